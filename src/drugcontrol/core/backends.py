from django.contrib.auth.backends import ModelBackend

from drugcontrol.core.models import User


class OrganisationAwareBackend(ModelBackend):
    """Loads the user with organisation and country in one query for every request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Passwords are checked only by the sign-in page (services.sign_in_check_password):
        # it throttles by address and account and asks for the second factor, which a
        # plain `django.contrib.auth.authenticate()` would skip.
        return None

    def get_user(self, user_id):
        user = User.objects.select_related("organisation__country").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
