from django.urls import path

from drugcontrol.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/sign-in/", views.sign_in, name="sign_in"),
    path("accounts/sign-in/code/", views.sign_in_second_factor, name="sign_in_second_factor"),
    path("accounts/sign-out/", views.sign_out, name="sign_out"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/password/", views.password_change, name="password"),
    path("accounts/second-factor/", views.second_factor, name="second_factor"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<id:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path(
        "organisations/<id:organisation_id>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path("users/<id:user_id>/", views.user_detail, name="user_detail"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<id:event_id>/", views.audit_detail, name="audit_detail"),
]
