from django.urls import path

from drugcontrol.medicines import views

app_name = "medicines"

urlpatterns = [
    path("", views.home, name="home"),
    path("authorizations/new/", views.authorization_new, name="authorization_new"),
    path("authorizations/<id:authorization_id>/", views.authorization, name="authorization"),
]
