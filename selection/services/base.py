"""The shape every service shares (STYLE.md "State machine"):
lock → evaluate the rules → refuse on BLOCK → require a justification per WARN → transition → save →
record the event → side effects on commit.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from selection import signing
from selection.models import Candidate, RecordEvent, SelectionCase, SignedHead
from selection.models.record import GENESIS
from selection.rules import Finding, Level

SUMMARY_MAX = 300  # RecordEvent.summary; the full text stays in the payload or the stage's own row


class ServiceError(Exception):
    """A user action that cannot be done; `message` is Chinese and shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    @property
    def summary(self) -> str:
        return self.message


class TransitionRefused(ServiceError):
    """The rules block the step, or a warning lacks its justification."""

    def __init__(self, findings: list[Finding], missing_justifications: list[Finding] | None = None):
        self.findings = findings
        self.blocking = [f for f in findings if f.level == Level.BLOCK]
        self.missing_justifications = missing_justifications or []
        lines = [
            f"{f.rule}：{f.message}" if not f.message.startswith(f.rule) else f.message for f in self.blocking
        ]
        lines += [f"{f.rule}：需要填写说明后才能继续（{f.message}）" for f in self.missing_justifications]
        super().__init__("不能继续：" + "；".join(lines))


class StaleState(ServiceError):
    """Someone else moved the case on first."""


@dataclass(frozen=True)
class Actor:
    """Who acts, from where. Views build it from the request; commands from the named user."""

    user: Any
    ip: str | None = None

    @property
    def name(self) -> str:
        return self.user.get_full_name() if self.user else "系统"


def as_actor(by) -> Actor:
    return by if isinstance(by, Actor) else Actor(by)


def lock_case(case: SelectionCase) -> SelectionCase:
    """Re-read the case under a row lock; the caller's copy may be stale."""
    return SelectionCase.objects.select_for_update().get(pk=case.pk)


def check_findings(findings: Iterable[Finding], justifications: dict[str, str] | None) -> dict[str, dict]:
    """Refuse on any BLOCK; every WARN needs a non-empty justification, keyed by `Finding.key`.

    Returns the accepted justifications keyed by rule ID and message, for the record."""
    findings = list(findings)
    justifications = {k: v.strip() for k, v in (justifications or {}).items() if v and v.strip()}
    blocking = [f for f in findings if f.level == Level.BLOCK]
    unjustified = [f for f in findings if f.level == Level.WARN and f.key not in justifications]
    if blocking or unjustified:
        raise TransitionRefused(findings, unjustified)
    return {
        f.key: {"rule": f.rule, "finding": f.message, "justification": justifications[f.key]}
        for f in findings
        if f.level == Level.WARN
    }


def serialise_findings(findings: Iterable[Finding]) -> list[dict[str, str]]:
    return [{"rule": f.rule, "level": str(f.level), "message": f.message} for f in findings]


def record_event(
    case: SelectionCase,
    *,
    by: Actor,
    action: str,
    summary: str,
    candidate: Candidate | None = None,
    from_state: str = "",
    to_state: str = "",
    findings: Iterable[Finding] = (),
    justification: dict[str, str] | None = None,
    payload: dict | None = None,
    attachments: list[dict] | None = None,
) -> RecordEvent:
    """Append one event to the case's chain. The caller holds the case's row lock."""
    last = RecordEvent.objects.filter(case=case).order_by("-seq").values_list("seq", "hash").first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = RecordEvent(
        case=case,
        seq=seq,
        candidate=candidate,
        actor=by.user,
        actor_name=by.name,
        at=timezone.now(),
        ip=by.ip,
        action=action,
        summary=summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 1] + "…",
        from_state=from_state,
        to_state=to_state,
        findings=serialise_findings(findings),
        justification=justification or {},
        payload=payload or {},
        attachments=attachments or [],
        prev_hash=prev,
    )
    event.hash = event.compute_hash()
    event.save()
    # The case's copy of its last step (我的待办), written here only: see `SelectionCase.last_step_at`.
    SelectionCase.objects.filter(pk=case.pk).update(last_step_at=event.at)
    case.last_step_at = event.at
    if from_state != to_state and candidate is None:
        # A stage change: sign the new head with the key kept outside the database (R-REQ-1).
        signing.sign_head(case, SignedHead.Reason.STAGE)
    return event


@dataclass
class Step:
    """One case transition: which FSM method, which rules gate it, what to record."""

    name: str
    label: str
    evaluate: Callable[[SelectionCase], list[Finding]]
    effects: list[Callable[[SelectionCase], None]] = field(default_factory=list)


def run_case_step(
    case: SelectionCase,
    step: Step,
    *,
    by,
    justifications: dict[str, str] | None = None,
    before_save: Callable[[SelectionCase], None] | None = None,
    payload: dict | None = None,
) -> SelectionCase:
    """Drive one case transition in the fixed order; returns the saved, fresh case."""
    actor = as_actor(by)
    with transaction.atomic():
        locked = lock_case(case)
        method = getattr(locked, step.name)
        from django_fsm import can_proceed

        if not can_proceed(method):
            raise StaleState(
                f"该批次当前处于“{locked.get_status_display()}”阶段，不能执行“{step.label}”，可能已被他人处理，请刷新页面。"
            )
        findings = step.evaluate(locked)
        accepted = check_findings(findings, justifications)
        from_state = locked.status
        method()
        if before_save:
            before_save(locked)
        locked.save()
        record_event(
            locked,
            by=actor,
            action=step.name,
            summary=f"{step.label}：{locked.get_status_display()}",
            from_state=from_state,
            to_state=locked.status,
            findings=findings,
            justification=accepted,
            payload=payload,
        )
        for effect in step.effects:
            transaction.on_commit(lambda effect=effect: effect(locked))
    return locked
