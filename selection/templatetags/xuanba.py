"""Template tags of 选拔通."""

from django import template

from accounts.roles import Role

register = template.Library()


@register.inclusion_tag("selection/calendar/_contact.html", takes_context=True)
def holiday_contact(context) -> dict:
    """Who can enter a missing holiday schedule (R-CAL-3): the administrators by name, and the page they use."""
    from django.contrib.auth import get_user_model

    names = list(
        get_user_model()
        .objects.filter(groups__name=Role.ADMIN.group_name, is_active=True)
        .values_list("full_name", "username")[:5]
    )
    return {"admins": [full or user for full, user in names], "allowed": context.get("allowed", frozenset())}
