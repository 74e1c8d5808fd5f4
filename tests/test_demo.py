"""Demo data: seeding is idempotent, every record is valid, and the rules' edge cases are there."""

import io
import itertools

import pytest
import time_machine
from django.core.management import call_command

from selection.demo import CENTER, DEMO_TODAY, EDGE_CASES
from selection.models import (
    AnnualAssessment,
    AssessmentResult,
    Cadre,
    Department,
    EducationRecord,
    FamilyMember,
    Kinship,
    Organization,
    Post,
    PostHolding,
    Quota,
    Rank,
    ResumeEntry,
    Sanction,
    SelectionCase,
)
from selection.rules import SanctionType

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_world):
    return {c.name: c for c in Cadre.objects.for_detail()}


def _snapshot() -> dict[str, list]:
    tables = {
        "cadres": Cadre.objects.values_list(
            "pk",
            "id_number",
            "name",
            "sex",
            "birth_date",
            "organization__name",
            "department__name",
            "work_started_on",
            "party_joined_on",
            "rewards_and_punishments",
        ),
        "posts": Post.objects.values_list("pk", "organization__name", "department__name", "title", "rank"),
        "quotas": Quota.objects.values_list("organization__name", "rank", "approved"),
        "holdings": PostHolding.objects.values_list("pk", "cadre_id", "post_id", "started_on", "ended_on"),
        "education": EducationRecord.objects.values_list(
            "pk", "cadre_id", "kind", "level", "school_and_major"
        ),
        "resume": ResumeEntry.objects.values_list(
            "pk", "cadre_id", "order", "started_on", "ended_on", "text"
        ),
        "family": FamilyMember.objects.values_list("pk", "cadre_id", "relation", "name", "birth_date"),
        "assessments": AnnualAssessment.objects.values_list("pk", "cadre_id", "year", "result"),
        "sanctions": Sanction.objects.values_list("pk", "cadre_id", "kind", "effective_on"),
        "kinships": Kinship.objects.values_list("cadre_id", "other_id", "category"),
        "history": [Cadre.history.count(), ResumeEntry.history.count(), PostHolding.history.count()],
    }
    return {name: sorted(rows) for name, rows in tables.items()}


def _everything() -> dict[str, list]:
    """The registry (above), the accounts, and a count of every other table the demo fills."""
    from django.apps import apps

    from accounts.models import User

    counted = [
        model
        for app in ("selection", "accounts")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy
    ]
    return {
        **_snapshot(),
        "users": sorted(
            User.objects.values_list("username", "full_name", "organization__name", "password", "is_active")
        ),
        "memberships": sorted(User.groups.through.objects.values_list("user__username", "group__name")),
        "departments": sorted(Department.objects.values_list("organization__name", "name", "order")),
        "organizations": sorted(Organization.objects.values_list("name", "parent__name")),
        "cases": sorted(SelectionCase.objects.values_list("title", "status")),
        "counts": [(model._meta.label, model._default_manager.count()) for model in counted],
    }


def test_seeding_twice_changes_nothing(seeded):
    """A second `seed_demo` saves nothing: registry rows and their history, accounts, cases, their record
    events and documents, ballots and invitations, reports — every table of the two apps counted."""
    first = _everything()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert _everything() == first


def test_the_demo_accounts_and_organizations(seeded):
    from accounts.models import User

    memberships = sorted(User.groups.through.objects.values_list("user__username", "group__name"))
    assert 50 <= User.objects.count() <= 60
    party_group = [u for u, g in memberships if g == "党组成员" and not u.startswith("zx_")]
    assert len(party_group) == 7  # the bureau's; 医保中心's leaders (zx_…) are its own three
    # 医保中心's principal leader (zx_zhuren) chairs its own cases (demo_bureau): the bureau's secretary is shuji.
    assert [u for u, g in memberships if g == "党组书记" and not u.startswith("zx_")] == ["shuji"]
    assert [u for u, g in memberships if g == "党组书记" and u.startswith("zx_")] == ["zx_zhuren"]
    assert [u for u, g in memberships if g == "分管领导" and not u.startswith("zx_")] == ["fenguan"]
    assert [u for u, g in memberships if g == "分管领导" and u.startswith("zx_")] == ["zx_fu1"]
    assert ("安吉县医疗保障服务中心", "安吉县医疗保障局") in Organization.objects.values_list(
        "name", "parent__name"
    )


def _about_sixty_cadres_with_full_records(seeded) -> None:
    assert 55 <= len(seeded) <= 65
    for cadre in seeded.values():
        assert cadre.education.all(), cadre
        assert cadre.resume_lines(), cadre
        assert cadre.family.all(), cadre
        assert cadre.last_assessments(DEMO_TODAY, count=1), cadre


def _every_demo_record_passes_validation(seeded) -> None:
    with time_machine.travel(DEMO_TODAY, tick=False):
        for cadre in seeded.values():
            cadre.full_clean()  # ID numbers (checksum, birth date, sex) and dates
            for related in (
                *cadre.education.all(),
                *cadre.resume.all(),
                *cadre.family.all(),
                *cadre.assessments.all(),
                *cadre.sanctions.all(),
                *cadre.holdings.all(),
            ):
                related.full_clean()


def _resumes_are_continuous(seeded) -> None:
    for cadre in seeded.values():
        dated = [entry for entry in cadre.resume.all() if not entry.is_note]
        for before, after in itertools.pairwise(dated):
            assert before.ended_on == after.started_on, cadre
        assert dated[-1].ended_on is None


def _every_department_has_a_chief_and_a_deputy_post(seeded) -> None:
    from selection.demo_competitive import POST_DEPARTMENT, POST_TITLE
    from selection.models import Department

    for department in Department.objects.all():
        # The 竞争上岗 demo adds one new deputy post (信息化副科长) to its department.
        posts = department.posts.exclude(department__name=POST_DEPARTMENT, title=POST_TITLE)
        assert sorted(posts.values_list("rank", flat=True)) == [Rank.CHIEF, Rank.DEPUTY]
    assert (
        Department.objects.get(name=POST_DEPARTMENT).posts.filter(title=POST_TITLE, rank=Rank.DEPUTY).exists()
    )


def _ages_39_and_40_on_the_day(seeded) -> None:
    assert seeded[EDGE_CASES["age_39_on_the_day"]].age_on(DEMO_TODAY) == 39
    assert seeded[EDGE_CASES["age_40_on_the_day"]].age_on(DEMO_TODAY) == 40


def _a_deputy_with_11_months_in_post(seeded) -> None:
    cadre = seeded[EDGE_CASES["deputy_11_months"]]
    assert cadre.rank_on(DEMO_TODAY) == Rank.DEPUTY
    assert cadre.months_in_current_post(DEMO_TODAY) == 11
    assert cadre.years_in_deputy_post(DEMO_TODAY) == 0


def _last_year_basic_competent(seeded) -> None:
    last = seeded[EDGE_CASES["basic_competent_2025"]].last_assessments(DEMO_TODAY, count=1)
    assert (last[0].year, last[0].result) == (2025, AssessmentResult.BASIC)


def _a_government_demerit_in_effect(seeded) -> None:
    in_effect = seeded[EDGE_CASES["demerit_in_effect"]].sanctions_in_effect(DEMO_TODAY)
    assert [s.kind for s in in_effect] == [SanctionType.DEMERIT]
    expired = [s for c in seeded.values() for s in c.sanctions.all() if not s.in_effect_on(DEMO_TODAY)]
    assert expired  # an admonition whose period has run out, for contrast


def _a_couple_in_the_bureau(seeded) -> None:
    husband, wife = (seeded[name] for name in EDGE_CASES["couple"])
    assert husband.organization == wife.organization
    assert [(c.pk, k.category) for c, k in husband.relatives()] == [(wife.pk, Kinship.Category.SPOUSE)]
    assert [c.pk for c, _ in wife.relatives()] == [husband.pk]


def _rotation_due_and_overdue(seeded) -> None:
    six = seeded[EDGE_CASES["six_years_in_post"]]
    assert 72 <= six.months_in_current_post(DEMO_TODAY) < 84
    assert six.rotation_status(DEMO_TODAY) == "due"
    assert seeded[EDGE_CASES["overdue_rotation"]].rotation_status(DEMO_TODAY) == "overdue"


def _a_full_chief_quota_and_a_vacant_bureau_chief_post(seeded) -> None:
    def held(org_name: str, rank: str) -> int:
        return sum(
            1 for c in seeded.values() if c.organization.name == org_name and c.rank_on(DEMO_TODAY) == rank
        )

    center_quota = Quota.objects.get(organization__name=CENTER, rank=Rank.CHIEF)
    assert held(CENTER, Rank.CHIEF) == center_quota.approved == 4
    bureau_quota = Quota.objects.get(organization__parent=None, rank=Rank.CHIEF)
    assert held(bureau_quota.organization.name, Rank.CHIEF) < bureau_quota.approved


# One seeding per test costs about 3 s, so the checks are grouped.


def test_the_demo_records_are_complete_valid_and_continuous(seeded):
    _about_sixty_cadres_with_full_records(seeded)
    _every_demo_record_passes_validation(seeded)
    _resumes_are_continuous(seeded)
    _every_department_has_a_chief_and_a_deputy_post(seeded)


def test_the_rules_edge_cases_are_in_the_demo(seeded):
    _ages_39_and_40_on_the_day(seeded)
    _a_deputy_with_11_months_in_post(seeded)
    _last_year_basic_competent(seeded)
    _a_government_demerit_in_effect(seeded)
    _a_couple_in_the_bureau(seeded)
    _rotation_due_and_overdue(seeded)
    _a_full_chief_quota_and_a_vacant_bureau_chief_post(seeded)
