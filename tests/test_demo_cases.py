"""Demo cases: one in every state, built through the services, idempotent, every chain intact."""

import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from selection import gates
from selection.demo import DEMO_TODAY
from selection.demo_cases import DEMO_CASES
from selection.models import (
    CandidateStatus,
    CaseStatus,
    Document,
    PostHolding,
    PublicNotice,
    SelectionCase,
    verify_chain,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def seeded(demo_world):
    """The whole demo, seeded on the demo's reference day; cases by state."""
    return {case.status: case for case in SelectionCase.objects.all()}


def _rules(findings, level: str = "block") -> set[str]:
    return {f.rule for f in findings if f.level == level}


# Seeding costs a while (sign-offs, PDFs), so the checks are grouped into two tests.


def test_every_demo_case_is_built_and_every_chain_and_document_verifies(seeded):
    """(Seeding twice adds no case, event or document: tests/test_demo.py test_seeding_twice_changes_nothing.)"""
    daily = SelectionCase.objects.filter(mode=SelectionCase.Mode.DAILY, organization__parent=None)
    # 竞争上岗: test_demo_competitive; 医保中心's own case: test_demo_bureau
    assert sorted(daily.values_list("title", flat=True)) == sorted(spec.title for spec in DEMO_CASES)

    for case in SelectionCase.objects.all():
        check = verify_chain(case.events.order_by("seq"))
        assert check.ok, (case.title, check.message)
        assert case.events.order_by("seq").first().action == "open_case"  # built by the services
    out = io.StringIO()
    call_command("verify_record", stdout=out)
    assert out.getvalue().count("✓ 批次") == SelectionCase.objects.count()

    for document in Document.objects.all():
        assert document.intact, document
        with document.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        # Every attachment went through upload_document: its digest is in the record.
        digests = [
            a["sha256"] for e in document.case.events.filter(action="upload_document") for a in e.attachments
        ]
        assert document.sha256 in digests


def test_every_state_is_present_and_each_open_case_shows_why_it_waits(seeded):
    # 竞争上岗's own states: the demo competition stands at 笔试面试 (报名 and 资格审查 lie behind it)
    assert set(seeded) == set(CaseStatus.values) - {CaseStatus.REGISTRATION, CaseStatus.SCREENING}

    # 动议: only the main leader's decision is missing.
    assert _rules(gates.next_step_findings(seeded[CaseStatus.MOTION])) == {"R-MOT-2"}

    # 民主推荐: both rounds recorded, the targets not yet fixed.
    recommendation = seeded[CaseStatus.RECOMMENDATION]
    assert sorted(recommendation.rounds.values_list("kind", flat=True)) == ["conversation", "meeting"]
    assert _rules(gates.next_step_findings(recommendation)) == {"R-INS-1"}

    # 考察: partly recorded, so the submit gate refuses and says what is missing.
    inspection = seeded[CaseStatus.INSPECTION]
    assert inspection.candidates.filter(status=CandidateStatus.TARGET).count() == 1
    refused = _rules(gates.next_step_findings(inspection))
    assert {"R-INS-6", "R-INS-7", "R-INS-8", "R-INS-10"} <= refused
    assert "R-INS-4" not in refused  # the inspection notice is on file

    # 讨论决定: everything on file for the meeting, which has not been held.
    decision = seeded[CaseStatus.DECISION]
    assert not decision.meetings.exists()
    assert _rules(gates.next_step_findings(decision)) == set()
    assert decision.candidates.filter(status=CandidateStatus.WITHDRAWN).exclude(withdrawal_reason="").exists()

    # 公示: the notice runs over the reference day, inside 2026 (chinese_calendar's last year).
    notice = PublicNotice.objects.get(case=seeded[CaseStatus.PUBLIC_NOTICE])
    assert notice.published_on <= DEMO_TODAY <= notice.ends_on
    assert notice.ends_on.year == 2026
    assert "R-APP-1" in _rules(gates.next_step_findings(seeded[CaseStatus.PUBLIC_NOTICE]))

    # 任职: the appointed cadre's post history changed in the same step.
    appointed = seeded[CaseStatus.APPOINTED]
    winner = appointed.candidates.get(status=CandidateStatus.APPOINTED)
    current = PostHolding.objects.get(cadre=winner.cadre, ended_on__isnull=True)
    assert current.post == appointed.vacancies.get().post
    assert PostHolding.objects.filter(cadre=winner.cadre, ended_on=current.started_on).exists()
    assert PublicNotice.objects.get(case=appointed).ends_on.year == 2026

    # 终止: with its reason, recorded.
    terminated = seeded[CaseStatus.TERMINATED]
    assert terminated.termination_reason
    last = terminated.events.order_by("-seq").first()
    assert (last.action, last.to_state, last.payload["reason"]) == (
        "terminate",
        CaseStatus.TERMINATED,
        terminated.termination_reason,
    )
