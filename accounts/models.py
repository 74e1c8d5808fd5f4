from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import Role


class User(AbstractUser):
    """A person who logs in. Belongs to one organization; roles are groups."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    organization = models.ForeignKey(
        "selection.Organization",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="系统管理员可不属于任何单位。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read once per request from their groups."""
        by_name = {role.group_name: role for role in Role}
        names = self.groups.values_list("name", flat=True) if self.pk else []
        roles = {by_name[name] for name in names if name in by_name}
        if self.is_superuser:
            roles.add(Role.ADMIN)
        return frozenset(roles)

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)
