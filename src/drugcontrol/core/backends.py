from django.contrib.auth.backends import ModelBackend

from drugcontrol.core.models import User


class OrganisationAwareBackend(ModelBackend):
    """Loads the user with organisation and country in one query for every request."""

    def get_user(self, user_id):
        user = User.objects.select_related("organisation__country").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
