from django.urls import path

from drugcontrol.nps import views

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
