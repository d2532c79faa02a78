from django.urls import path

from drugcontrol.nps import views
from drugcontrol.nps.views import pipeline as pipeline_views
from drugcontrol.nps.views import spectra as spectra_views

app_name = "nps"

urlpatterns: list = [
    # identification reports, the NPS register, toxicology cases and the watch list
    path("", views.register_list, name="register"),
    path("substances/<id:substance_id>/", views.register_detail, name="substance"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<id:report_id>/", views.report_detail, name="report"),
    path("toxicology/", views.case_list, name="cases"),
    path("toxicology/new/", views.case_create, name="case_create"),
    path("toxicology/<id:case_id>/", views.case_detail, name="case"),
    path("watch-list/", views.watch_list, name="watch_list"),
    path("watch-list/<id:substance_id>/", views.watch_detail, name="watch"),
]

# Emergence signals and the dashboard
urlpatterns += [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("signals/", views.signal_list, name="signals"),
    path("signals/settings/", views.signal_settings, name="signal_settings"),
    path("signals/<id:signal_id>/", views.signal_detail, name="signal"),
]

# Scheduling pipeline
urlpatterns += [
    path("pipeline/", pipeline_views.pipeline_board, name="pipeline"),
    path("pipeline/open/", pipeline_views.pipeline_open, name="pipeline_open"),
    path("pipeline/<id:review_id>/", pipeline_views.pipeline_review, name="pipeline_review"),
    path(
        "pipeline/<id:review_id>/<slug:route>/",
        pipeline_views.pipeline_step,
        name="pipeline_step",
    ),
]

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
