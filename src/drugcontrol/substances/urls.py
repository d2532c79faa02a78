from django.urls import path

from drugcontrol.substances import views

app_name = "substances"

urlpatterns = [
    path("", views.substance_list, name="list"),
    path("identify/", views.identify, name="identify"),
    path("suggest/", views.suggest, name="suggest"),
    path("<id:substance_id>/", views.substance_detail, name="detail"),
]
