"""Saving a year's 干部结构 snapshot (the only writer of `StructureSnapshot`)."""

from datetime import date

from django.db import transaction

from ..models import Cadre, StructureSnapshot
from ..structure import structure_tables, table_to_json, team_structure, team_to_json
from ..supervision import settings_for_user


def save_snapshot(user, on: date) -> StructureSnapshot:
    """Compute the tables for the user's organization (and subordinates) as of the date and keep them as
    that year's snapshot, replacing an earlier one of the same year."""
    cadres = Cadre.objects.visible_to(user).filter(is_active=True)
    settings = settings_for_user(user)
    tables = [table_to_json(t) for t in structure_tables(cadres, on)]
    team = [team_to_json(r) for r in team_structure(cadres, on, settings.young_cadre_age)]
    with transaction.atomic():
        snapshot, _ = StructureSnapshot.objects.update_or_create(
            organization=user.organization,
            year=on.year,
            defaults={"taken_on": on, "tables": tables, "team": team, "taken_by": user},
        )
    return snapshot
