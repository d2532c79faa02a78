from django.urls import path

from drugcontrol.precursors import views

app_name = "precursors"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/", views.notification_form, name="create"),
    path("import/", views.notification_import, name="import"),
    path("import/<id:job_id>/", views.import_job, name="import_job"),
    path("statistics/", views.statistics, name="statistics"),
    path("invocations/", views.invocations, name="invocations"),
    path("requirements/", views.requirements, name="requirements"),
    path("requirements/<id:requirement_id>/", views.requirement_detail, name="requirement"),
    path("surveillance/", views.surveillance, name="surveillance"),
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_create, name="order_create"),
    path("orders/<id:order_id>/", views.order_detail, name="order"),
    path("annual-reports/", views.annual_report_list, name="annual_reports"),
    path("annual-reports/<id:report_id>/", views.annual_report_detail, name="annual_report"),
    path(
        "annual-reports/<id:report_id>/edit/", views.annual_report_edit, name="annual_report_edit"
    ),
    path(
        "annual-reports/<id:report_id>/action/",
        views.annual_report_action,
        name="annual_report_action",
    ),
    path(
        "annual-reports/<id:report_id>/export/",
        views.annual_report_export,
        name="annual_report_export",
    ),
    path(
        "annual-reports/<id:report_id>/versions/<id:number>/",
        views.annual_report_version,
        name="annual_report_version",
    ),
    path("<id:notification_id>/", views.notification_detail, name="detail"),
    path("<id:notification_id>/edit/", views.notification_form, name="edit"),
    path("<id:notification_id>/action/", views.notification_action, name="action"),
    path("<id:notification_id>/messages/", views.message_post, name="message"),
    path("<id:notification_id>/attachments/", views.attach, name="attach"),
    path(
        "<id:notification_id>/attachments/<id:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
