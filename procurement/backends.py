"""Authentication backend: Django's, reading the signed-in user with their service in the same
query (every page's header names the service), one query less on every page."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        try:
            user = (
                get_user_model()
                ._default_manager.select_related("service__department")
                .get(pk=user_id)
            )
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
