"""The login backend: Django's ModelBackend, reading the user's person (姓名, 所在单位)
in the same query as the user, since every page's header and most access checks
(office.roles.user_unit_id) read it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PersonModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            # A user without a person gets None cached, so `user.person` asks no more.
            user = user_model._default_manager.select_related("person").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
