"""Template tags of 选拔通."""

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

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


_RULE_ID = re.compile(r"R-[A-Z]{3,4}-\d{1,2}")


@register.filter
def rule_link(rule_id: str) -> str:
    """A rule ID as a link to its entry on the 规则说明 page."""
    from selection.rules.catalogue import BY_ID

    rule = BY_ID.get(str(rule_id))
    if rule is None:
        return conditional_escape(rule_id)
    return format_html(
        '<a class="rule-link" href="{}#{}" title="{}">{}</a>',
        reverse("rule_list"),
        rule.id,
        rule.title,
        rule.id,
    )


@register.filter
def link_rules(text: str) -> str:
    """Text (a Chinese message) with every rule ID in it linked to the 规则说明 page; the rest escaped."""
    escaped = str(conditional_escape(text))
    return mark_safe(_RULE_ID.sub(lambda m: str(rule_link(m.group(0))), escaped))
