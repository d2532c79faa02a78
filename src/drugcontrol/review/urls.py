from django.urls import path

from drugcontrol.review import views

app_name = "review"

urlpatterns = [
    path("", views.statement, name="statement"),
    path("paragraphs/<str:key>/", views.paragraph, name="paragraph"),
    path("cycles/", views.cycles, name="cycles"),
    path("compare/", views.compare, name="compare"),
    path("cycles/<slug:code>/", views.cycle, name="cycle"),
    path("cycles/<slug:code>/report/<slug:scope>/", views.report, name="report"),
    path("cycles/<slug:code>/<slug:iso3>/", views.response, name="response"),
]
