from django.urls import path

from drugcontrol.entities import views

app_name = "entities"

urlpatterns = [
    path("", views.party_list, name="list"),
    path("<id:party_id>/", views.party_detail, name="detail"),
    path("suggest/", views.suggest, name="suggest"),
    path("correlations/", views.correlation_queue, name="correlations"),
    path("correlations/<id:correlation_id>/", views.correlation_decide, name="decide"),
    path("merges/<id:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("warning-list/", views.warning_list, name="warning_list"),
]
