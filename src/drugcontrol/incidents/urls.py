from django.urls import path

from drugcontrol.entities import views as entity_views
from drugcontrol.incidents import views
from drugcontrol.substances import views as substance_views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("import/", views.incident_import, name="import"),
    path("import/<id:job_id>/", views.import_job, name="import_job"),
    path("map/", views.route_map, name="map"),
    # The first addresses of the suggestions (now the registry's and the parties' own); the
    # parties' one still answers `Name [#id]` for pages drawn before, which the forms still
    # read (the suffix dropped). No page asks them any more.
    path("suggest/substances/", substance_views.suggest, name="suggest_substances"),
    path("suggest/parties/", entity_views.suggest, {"with_ids": True}, name="suggest_parties"),
    path("<id:incident_id>/", views.incident_detail, name="detail"),
    path("<id:incident_id>/parties/", views.incident_add_party, name="add_party"),
    path("<id:incident_id>/attachments/", views.incident_attach, name="attach"),
    path("<id:incident_id>/messages/", views.message_post, name="message"),
    path(
        "<id:incident_id>/messages/<id:message_id>/decide/",
        views.request_decide,
        name="decide",
    ),
    path(
        "<id:incident_id>/attachments/<id:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("alerts/", views.alert_inbox, name="alerts"),
    path("alerts/broadcast/", views.alert_broadcast, name="broadcast"),
]
