"""Sign-in backends."""

from django.contrib.auth import backends


class ModelBackend(backends.ModelBackend):
    """Django's, reading the signed-in user's organization in the same query: every page shows it in the
    navigation bar and scopes its lists by it."""

    def get_user(self, user_id):
        user_model = backends.UserModel
        try:
            user = user_model._default_manager.select_related("organization").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
