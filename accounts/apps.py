from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_role_groups(sender, using="default", **kwargs) -> None:
    """Keep one group per role. The data migration creates them; a flushed database (transactional
    tests, `manage.py flush`) gets them back here, as Django does for content types and permissions."""
    from django.contrib.auth.models import Group

    from .roles import ALL_GROUP_NAMES

    for name in ALL_GROUP_NAMES:
        Group.objects.using(using).get_or_create(name=name)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        post_migrate.connect(ensure_role_groups, sender=self)
