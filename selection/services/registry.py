"""Who holds which post: the only code that creates, changes or deletes `PostHolding` (R-REG-1..3).

Every door goes through here — the registry form, the Excel and LRMX imports, appointment (and, later,
probation) — so the same checks hold whichever way a holding changes. The Django admin shows holdings
read-only.

The API, for other services:

- ``check_holdings(planned, removed=())`` → ``list[HoldingConflict]``: read-only. ``planned`` are
  `PostHolding` instances to be saved (new ones, or stored ones with changed fields — an ``ended_on``
  makes a holding past); ``removed`` are stored holdings to delete. The registry as it would be after
  the change is checked; a conflict is reported only when one of the planned holdings takes part in it
  (an unrelated overfilled post does not block an edit elsewhere). Imports call this for their preview.
- ``apply_holdings(planned, removed=(), *, by=None, reason="")``: locks the organizations and cadres
  concerned, checks again (the registry may have changed since a preview), then writes everything or
  raises `HoldingRefused`. Writes keep the change history (``by``, ``reason``).
- ``assign_holding(cadre, post, started_on, *, how, concurrent=False, probation_ends_on=None,
  end_current=True, by=None, reason="")`` → the new holding. With ``end_current`` the cadre's open
  实职 holding ends on ``started_on`` (concurrent holdings stay).
- ``end_holding(holding, ended_on, *, by=None, reason="")`` → the ended holding.
- ``update_holding(holding, *, by=None, reason="", **fields)`` → the holding with fields changed.
- ``quota_rows(organization)`` → 核定 / 现配 / 拟任 / 空缺 / 超配 per rank (R-REG-2's quota page).
- ``filled_counts(organization_ids)`` / ``promised_counts(organization_ids, except_case=None)`` → 现配 and
  拟任 per (organization, rank): the one count the quota page, the case page at 动议 and 预警提醒 show.

The counts: R-REG-1 counts every open holding of a post (a concurrent holder occupies a seat); R-REG-2
and R-REG-3 count open 实职 holdings only (a 兼任 post neither uses a quota place nor a second 实职).
An organization without a recorded quota for a rank has no R-REG-2 limit for it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from hashlib import sha256
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from selection.models import Cadre, Candidate, CandidateStatus, Organization, Post, PostHolding, Quota, Rank

from .base import ServiceError

HOLDING_FIELDS = [
    "post",
    "started_on",
    "ended_on",
    "how",
    "is_concurrent",
    "probation_ends_on",
    "probation_result",
]
BATCH_SIZE = 500


@dataclass(frozen=True)
class HoldingConflict:
    """One broken invariant; ``holding`` is the planned holding that takes part in it."""

    rule: str  # "R-REG-1"
    message: str  # Chinese, starting with the rule ID
    holding: PostHolding


class HoldingRefused(ServiceError):
    def __init__(self, conflicts: list[HoldingConflict]) -> None:
        self.conflicts = conflicts
        super().__init__("不能保存任职信息：" + "；".join(dict.fromkeys(c.message for c in conflicts)))


def _key(holding: PostHolding) -> Any:
    return holding.pk if holding.pk else ("new", id(holding))


def _cadre_key(holding: PostHolding) -> Any:
    cadre = holding.cadre
    return cadre.pk if cadre.pk else ("new", id(cadre))


def _name(holding: PostHolding) -> str:
    return holding.cadre.name or "（未填姓名）"


def _posts_of(holdings: Iterable[PostHolding]) -> dict[int, Post]:
    """The posts of the planned holdings, with organization and department (one query)."""
    ids = {h.post_id for h in holdings if h.post_id}
    return {p.pk: p for p in Post.objects.filter(pk__in=ids).select_related("department", "organization")}


def check_holdings(
    planned: Sequence[PostHolding], removed: Sequence[PostHolding] = ()
) -> list[HoldingConflict]:
    """R-REG-1..3 over the registry as it would be after saving ``planned`` and deleting ``removed``."""
    planned = [h for h in planned if h.post_id]
    if not planned:
        return []
    posts = _posts_of(planned)
    for holding in planned:
        holding.post = posts[holding.post_id]
    stored_ids = [h.pk for h in [*planned, *removed] if h.pk]
    original_posts = dict(
        PostHolding.objects.filter(pk__in=stored_ids).values_list("pk", "post__organization")
    )
    organizations = {posts[h.post_id].organization_id for h in planned} | set(original_posts.values())
    cadre_ids = {h.cadre.pk for h in planned if h.cadre.pk}
    stored = {
        h.pk: h
        for h in PostHolding.objects.filter(ended_on__isnull=True)
        .filter(Q(post__organization__in=organizations) | Q(cadre__in=cadre_ids))
        .select_related("post__department", "cadre")
    }
    after: dict[Any, PostHolding] = dict(stored)
    for holding in removed:
        after.pop(holding.pk, None)
    for holding in planned:
        after.pop(_key(holding), None)
        if holding.ended_on is None:
            after[_key(holding)] = holding
    mine = {_key(h) for h in planned if h.ended_on is None}
    conflicts: list[HoldingConflict] = []

    # R-REG-1: seats per post
    by_post: dict[int, list[PostHolding]] = defaultdict(list)
    for holding in after.values():
        by_post[holding.post_id].append(holding)
    for holders in by_post.values():
        post = holders[0].post
        if len(holders) <= post.seats:
            continue
        names = "、".join(_name(h) for h in holders)
        for holding in holders:
            if _key(holding) in mine:
                conflicts.append(
                    HoldingConflict(
                        "R-REG-1",
                        f"R-REG-1：职位“{post}”有{post.seats}个职数，保存后将由{len(holders)}人同时担任"
                        f"（{names}）；请先办理原任职人员的免职，或核对职位。",
                        holding,
                    )
                )

    # R-REG-2: approved quota per rank (实职 only)
    quotas = {
        (q.organization_id, q.rank): q.approved for q in Quota.objects.filter(organization__in=organizations)
    }
    by_rank: dict[tuple[int, str], list[PostHolding]] = defaultdict(list)
    for holding in after.values():
        if not holding.is_concurrent:
            by_rank[(holding.post.organization_id, holding.post.rank)].append(holding)
    for (organization, rank), holders in by_rank.items():
        approved = quotas.get((organization, rank))
        if approved is None or len(holders) <= approved:
            continue
        label = Rank(rank).label
        for holding in holders:
            if _key(holding) in mine:
                conflicts.append(
                    HoldingConflict(
                        "R-REG-2",
                        f"R-REG-2：中层{label}核定{approved}名，保存后现配将达{len(holders)}名，"
                        f"超配{len(holders) - approved}名；{_name(holding)}任“{holding.post}”不能登记。",
                        holding,
                    )
                )

    # R-REG-3: one 实职 post per cadre
    by_cadre: dict[Any, list[PostHolding]] = defaultdict(list)
    for holding in after.values():
        if not holding.is_concurrent:
            by_cadre[_cadre_key(holding)].append(holding)
    for holders in by_cadre.values():
        if len(holders) <= 1:
            continue
        titles = "、".join(f"“{h.post}”" for h in holders)
        for holding in holders:
            if _key(holding) in mine:
                conflicts.append(
                    HoldingConflict(
                        "R-REG-3",
                        f"R-REG-3：{_name(holding)}将同时担任{titles}，一名干部只能担任一个实职职务；"
                        "兼任的职务请标明“兼任”，或先免去原职务。",
                        holding,
                    )
                )
    return conflicts


def _lock(planned: Sequence[PostHolding], removed: Sequence[PostHolding]) -> None:
    """Serialize holding changes per organization and per cadre (row locks in pk order)."""
    post_ids = {h.post_id for h in [*planned, *removed] if h.post_id}
    organizations = set(Post.objects.filter(pk__in=post_ids).values_list("organization", flat=True))
    list(
        Organization.objects.select_for_update().filter(pk__in=organizations).order_by("pk").values_list("pk")
    )
    cadres = {h.cadre.pk for h in [*planned, *removed] if h.cadre.pk}
    list(Cadre.objects.select_for_update().filter(pk__in=cadres).order_by("pk").values_list("pk"))


def apply_holdings(
    planned: Sequence[PostHolding],
    removed: Sequence[PostHolding] = (),
    *,
    by=None,
    reason: str = "",
    validate: bool = True,
) -> None:
    """Lock, check R-REG-1..3 (and each holding's own `full_clean` unless ``validate`` is off because the
    caller already ran it), then save ``planned`` and delete ``removed``; `HoldingRefused` writes nothing."""
    planned, removed = list(planned), list(removed)
    if not planned and not removed:
        return
    user = by if by is not None and getattr(by, "pk", None) else None
    with transaction.atomic():
        _lock(planned, removed)
        if validate:
            for holding in planned:
                try:
                    holding.full_clean(exclude=["cadre"], validate_constraints=False)
                except ValidationError as error:
                    raise ServiceError("任职信息有误：" + "；".join(error.messages)) from error
        if conflicts := check_holdings(planned, removed):
            raise HoldingRefused(conflicts)
        for holding in removed:
            if user is not None:
                holding._history_user = user
            holding._change_reason = reason or None
            holding.delete()
        history = {"default_user": user, "default_change_reason": reason or None, "batch_size": BATCH_SIZE}
        new = [h for h in planned if not h.pk]
        changed = [h for h in planned if h.pk]
        if changed:
            bulk_update_with_history(changed, PostHolding, HOLDING_FIELDS, **history)
        if new:
            bulk_create_with_history(new, PostHolding, **history)


def assign_holding(
    cadre: Cadre,
    post: Post,
    started_on: date,
    *,
    how: str = PostHolding.How.PROMOTION,
    concurrent: bool = False,
    probation_ends_on: date | None = None,
    probation_result: str = PostHolding.Probation.NONE,
    end_current: bool = True,
    by=None,
    reason: str = "",
) -> PostHolding:
    """Put ``cadre`` in ``post`` from ``started_on``; with ``end_current`` their open 实职 post ends that day."""
    holding = PostHolding(
        cadre=cadre,
        post=post,
        started_on=started_on,
        how=how,
        is_concurrent=concurrent,
        probation_ends_on=probation_ends_on,
        probation_result=probation_result,
    )
    planned = [holding]
    if end_current and not concurrent:
        for current in PostHolding.objects.filter(cadre=cadre, ended_on__isnull=True, is_concurrent=False):
            current.ended_on = max(current.started_on, started_on)
            planned.append(current)
    apply_holdings(planned, by=by, reason=reason)
    return holding


def end_holding(holding: PostHolding, ended_on: date, *, by=None, reason: str = "") -> PostHolding:
    """免职: the holding ends on ``ended_on``."""
    holding.ended_on = ended_on
    apply_holdings([holding], by=by, reason=reason)
    return holding


def update_holding(holding: PostHolding, *, by=None, reason: str = "", **fields: Any) -> PostHolding:
    """Change a holding's fields (e.g. the probation result), through the same checks."""
    for name, value in fields.items():
        if name not in HOLDING_FIELDS:
            raise ValueError(f"not a holding field: {name}")
        setattr(holding, name, value)
    apply_holdings([holding], by=by, reason=reason)
    return holding


# ---- the quota page (R-REG-2) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaRow:
    rank: str
    label: str
    approved: int  # 核定
    filled: int  # 现配 (实职 holders)
    pending: int  # 拟任 (approved candidates not yet appointed)

    @property
    def vacant(self) -> int:
        """空缺: places neither filled nor promised."""
        return max(0, self.approved - self.filled - self.pending)

    @property
    def over(self) -> int:
        """超配: holders (and promised appointments) beyond the quota."""
        return max(0, self.filled + self.pending - self.approved)

    @property
    def free(self) -> int:
        return self.approved - self.filled - self.pending


def filled_counts(organization_ids: Iterable[int], *, cached: bool = True) -> dict[tuple[int, str], int]:
    """现配 (R-REG-2): open 实职 holdings per (organization, rank), in one grouped query; for the pages
    kept while the register does not change (`structure.registry_cached`: a holding, post or quota saved
    anywhere changes the key). What refuses a write or a step counts afresh: `cached=False` (the 动议 gate
    in a transition), `check_holdings`, `Quota.clean`.

    (`.order_by()`: the holdings' default order would join every cadre into the count.)"""
    from selection.structure import registry_cached

    ids = sorted(set(organization_ids))
    key = sha256(",".join(map(str, ids)).encode()).hexdigest()[:24]

    def count() -> dict[tuple[int, str], int]:
        rows = (
            PostHolding.objects.filter(post__organization__in=ids, ended_on__isnull=True, is_concurrent=False)
            .order_by()
            .values_list("post__organization", "post__rank")
            .annotate(n=Count("pk"))
        )
        return {(organization, rank): n for organization, rank, n in rows}

    if not ids:
        return {}
    return registry_cached(f"filled:{key}", count) if cached else count()


def promised_counts(organization_ids: Iterable[int], *, except_case=None) -> dict[tuple[int, str], int]:
    """拟任: candidates the party group approved and not yet appointed, per (organization, rank) — places
    promised already (R-MOT-1). One query through the index of approved candidates."""
    rows = Candidate.objects.filter(
        case__organization__in=list(organization_ids), status=CandidateStatus.APPROVED
    )
    if except_case is not None:
        rows = rows.exclude(case=except_case)
    rows = rows.order_by().values_list("case__organization", "vacancy__post__rank").annotate(n=Count("pk"))
    return {(organization, rank): n for organization, rank, n in rows}


def quota_rows(organization: Organization) -> list[QuotaRow]:
    """核定 / 现配 / 拟任 / 空缺 / 超配 per rank, counted as R-REG-2 counts (3 queries, or 2 and the
    registry version while the register is unchanged)."""
    approved = dict(Quota.objects.filter(organization=organization).values_list("rank", "approved"))
    filled = filled_counts([organization.pk])
    pending = promised_counts([organization.pk])
    return [
        QuotaRow(
            rank.value,
            str(rank.label),
            approved.get(rank, 0),
            filled.get((organization.pk, rank.value), 0),
            pending.get((organization.pk, rank.value), 0),
        )
        for rank in Rank
    ]
