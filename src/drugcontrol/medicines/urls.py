from django.urls import path

from drugcontrol.medicines import views, views_availability

app_name = "medicines"

urlpatterns = [
    path("", views.home, name="home"),
    path("authorizations/new/", views.authorization_new, name="authorization_new"),
    path("authorizations/<id:authorization_id>/", views.authorization, name="authorization"),
    path("estimates/new/", views.estimate_new, name="estimate_new"),
    path("estimates/<id:estimate_id>/", views.estimate, name="estimate"),
    path("availability/", views_availability.availability_page, name="availability"),
    path("countries/<slug:iso3>/", views_availability.country_page, name="country"),
    path(
        "consumption/publish/<slug:iso3>/<int:year>/",
        views_availability.consumption_publish,
        name="consumption_publish",
    ),
    path(
        "import/estimates/",
        views_availability.statistics_import,
        {"kind": "estimates"},
        name="import_estimates",
    ),
    path(
        "import/consumption/",
        views_availability.statistics_import,
        {"kind": "consumption"},
        name="import_consumption",
    ),
    path(
        "import/population/",
        views_availability.statistics_import,
        {"kind": "population"},
        name="import_population",
    ),
    path(
        "import/estimates/<id:job_id>/",
        views_availability.estimates_import_job,
        name="import_estimates_job",
    ),
    path(
        "import/consumption/<id:job_id>/",
        views_availability.consumption_import_job,
        name="import_consumption_job",
    ),
    path(
        "import/population/<id:job_id>/",
        views_availability.population_import_job,
        name="import_population_job",
    ),
]
