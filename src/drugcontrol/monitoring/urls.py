from django.urls import path

from drugcontrol.monitoring import (
    views,
    views_analysis,
    views_crops,
    views_definitions,
    views_exchange,
)

app_name = "monitoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("open/", views.open_submission, name="open"),
    path("submissions/<id:submission_id>/", views.submission, name="submission"),
    path("submissions/<id:submission_id>/cell/", views.cell, name="cell"),
    path("submissions/<id:submission_id>/act/", views.act, name="act"),
    path("definitions/", views.definitions, name="definitions"),
    path("definitions/file/", views_definitions.definitions_file, name="definitions_file"),
    path("definitions/<slug:part>/new/", views_definitions.definition_edit, name="definition_new"),
    path(
        "definitions/<slug:part>/<slug:code>/",
        views_definitions.definition_edit,
        name="definition_edit",
    ),
    path("exchange/", views_exchange.exchange_page, name="exchange"),
    path("exchange/template/", views_exchange.exchange_template, name="exchange_template"),
    path("exchange/sdmx/", views_exchange.exchange_sdmx, name="exchange_sdmx"),
    path("exchange/import/", views_exchange.exchange_import, name="exchange_import"),
    path(
        "exchange/import/<id:job_id>/",
        views_exchange.exchange_import_job,
        name="exchange_import_job",
    ),
    path("coverage/", views_analysis.coverage, name="coverage"),
    path("pivot/", views_analysis.pivot, name="pivot"),
    path("countries/<slug:iso3>/", views_analysis.country_profile, name="country"),
    path("indicators/<slug:code>/", views_analysis.indicator_map, name="indicator"),
    path("targets/<slug:code>/", views_analysis.target_progress, name="target"),
    path("crops/", views_crops.crops_overview, name="crops"),
    path("crops/<slug:iso3>/", views_crops.crops_country, name="crops_country"),
    path("programmes/new/", views_crops.programme_new, name="programme_new"),
    path("programmes/<id:programme_id>/", views_crops.programme, name="programme"),
]
