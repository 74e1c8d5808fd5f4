"""`{% load record_labels %}`: event actions and payloads in Chinese (selection.record_labels)."""

from django import template

from selection import record_labels

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return record_labels.action_label(action)


@register.filter
def payload_fields(payload) -> list:
    return record_labels.payload_fields(payload)
