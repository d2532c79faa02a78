from django.urls import path

from drugcontrol.nps.views import spectra as spectra_views

app_name = "nps"

urlpatterns: list = []

# Spectral library
urlpatterns += [
    path("spectra/", spectra_views.spectra_list, name="spectra_list"),
    path("spectra/search/", spectra_views.spectra_search, name="spectra_search"),
    path("spectra/import/", spectra_views.spectra_import, name="spectra_import"),
    path(
        "spectra/import/<id:job_id>/", spectra_views.spectra_import_job, name="spectra_import_job"
    ),
    path("spectra/<id:spectrum_id>/", spectra_views.spectra_detail, name="spectra_detail"),
]
