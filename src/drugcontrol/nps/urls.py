from django.urls import path

from drugcontrol.nps.views import pipeline as pipeline_views

app_name = "nps"

urlpatterns: list = []

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
