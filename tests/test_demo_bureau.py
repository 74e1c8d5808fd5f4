"""The demo of issue 14: a probation ending within 30 days, a 医保中心 case waiting for the bureau's
party group (R-REQ-4), and this year's 一报告两评议 with both evaluations open."""

import pytest
from django.utils import timezone

from selection import gates
from selection.demo import BUREAU, CENTER, DEMO_TODAY
from selection.models import AnnualEvaluation, AnnualReport, CaseStatus, Organization, SelectionCase
from selection.services import institution, probation

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_world):
    return Organization.objects.get(name=BUREAU), Organization.objects.get(name=CENTER)


def test_r_prb_2_the_demo_has_a_probation_ending_within_30_days(seeded):
    bureau, _ = seeded
    due = list(probation.probations_due(bureau, timezone.localdate()))
    assert due and (due[0].probation_ends_on - timezone.localdate()).days <= 30
    assert due[0].probation_review.appraisal_on == timezone.localdate()


def test_r_req_4_the_demo_centre_case_waits_for_the_party_group(seeded):
    bureau, center = seeded
    case = SelectionCase.objects.get(organization=center)
    assert case.status == CaseStatus.PUBLIC_NOTICE and gates.approved(case)
    assert institution.awaiting_deliberation(bureau) == [case]
    assert [f.rule for f in gates.institution_deliberation(case) if f.level == "block"] == ["R-REQ-4"]


def test_r_anr_2_the_demo_report_has_both_evaluations_open(seeded):
    """(Seeding twice adds no report and no case: tests/test_demo.py test_seeding_twice_changes_nothing.)"""
    bureau, center = seeded
    report = AnnualReport.objects.get(organization=bureau, year=DEMO_TODAY.year)
    phases = dict(report.evaluations.values_list("kind", "phase"))
    assert phases == {"work": AnnualEvaluation.Phase.OPEN, "cadre": AnnualEvaluation.Phase.OPEN}
    assert report.evaluations.get(kind="work").ballots.count() >= 5
    assert AnnualReport.objects.count() == 1
    assert SelectionCase.objects.filter(organization=center).count() == 1
