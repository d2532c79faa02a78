from django.urls import path

from drugcontrol.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("open/", views.open_submission, name="open"),
    path("submissions/<id:submission_id>/", views.submission, name="submission"),
    path("submissions/<id:submission_id>/cell/", views.cell, name="cell"),
    path("submissions/<id:submission_id>/act/", views.act, name="act"),
    path("definitions/", views.definitions, name="definitions"),
]
