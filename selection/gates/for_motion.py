"""The gates of 动议: quotas (R-REG-2) and the motion's own findings."""

from collections import Counter

from django.utils import timezone

from selection import rules
from selection.models import (
    Document,
    Quota,
    SelectionCase,
)
from selection.rules import Finding

from .common import prefetched, settings_for, vacancy_ranks

# ---- 动议 ------------------------------------------------------------------------------------------


def quota_lines(case: SelectionCase, *, cached: bool = False) -> list[rules.QuotaLine]:
    """R-MOT-1 / R-REG-2: per rank of the case's vacancies, 核定, 现配, approved elsewhere, asked for
    (the register's shared counts: `services.registry.filled_counts` and `promised_counts`). The step
    itself counts afresh; the case page may show the count kept while the register is unchanged."""
    from selection.services.registry import filled_counts, promised_counts

    ranks = Counter(vacancy_ranks(case))
    approved = dict(Quota.objects.filter(organization=case.organization).values_list("rank", "approved"))
    filled = filled_counts([case.organization_id], cached=cached)
    pending = promised_counts([case.organization_id], except_case=case)
    key = case.organization_id
    return [
        rules.QuotaLine(
            rank, approved.get(rank, 0), filled.get((key, rank), 0), pending.get((key, rank), 0), n
        )
        for rank, n in sorted(ranks.items())
    ]


def motion(case: SelectionCase, quotas: list[rules.QuotaLine] | None = None) -> list[Finding]:
    """R-MOT-1..3 and R-MET-1/2: before the recommendation starts. `quotas`: `quota_lines(case)` when the
    caller has them already (the case page shows them too)."""
    approved_by = case.motion_approved_by
    facts = rules.MotionFacts(
        quotas=tuple(quota_lines(case) if quotas is None else quotas),
        origin=case.motion_origin,
        main_leader=approved_by.get_full_name() if approved_by else "",
        decided_on=timezone.localdate(case.motion_approved_at) if case.motion_approved_at else None,
        proposer=case.motion_proposed_by.get_full_name() if case.motion_proposed_by else "",
        form=case.motion_form,
        has_attachment=_has_motion_attachment(case),
        analysis_recorded=bool(case.motion_analysis.strip()),
    )
    ranks = vacancy_ranks(case)
    settings = settings_for(case.organization)
    return [*rules.motion(facts), *rules.method_choice(case.mode, len(ranks), set(ranks), settings)]


def _has_motion_attachment(case: SelectionCase) -> bool:
    documents = prefetched(case, "documents")
    if documents is None:
        return case.documents.filter(kind=Document.Kind.MOTION).exists()
    return any(document.kind == Document.Kind.MOTION for document in documents)
