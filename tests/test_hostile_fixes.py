"""The causes of 500 and the slow render found on issue 13, each with the input that triggered it."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from selection.forms import CadreForm
from selection.forms_cases import RoundForm, justifications_from
from selection.models import Attendance, BallotBox, HolidaySchedule, Inspection, OpenVote, RecommendationRound
from selection.services import annual, voting
from selection.services import cases as svc
from selection.services.base import ServiceError
from selection.validators import CONTROL_MESSAGE, COUNT_MAX

from .factories import CadreFactory, UserFactory
from .workflow import TODAY, to_decision, to_inspection, to_recommendation

SHANGHAI = ZoneInfo("Asia/Shanghai")
HUGE_COUNT = str(10**30)
MISSING_PK = 987654321


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def refusals(response) -> list[str]:
    return [
        str(m) for m in get_messages(response.wsgi_request) if m.level_tag in ("danger", "error", "warning")
    ]


def test_an_inspection_value_the_model_refuses_is_a_message_not_a_500(world):
    to_inspection(world)
    candidate = world.candidates[0]
    with pytest.raises(ServiceError, match="200"):
        svc.update_candidate_record(candidate, by=world.hr, notice_scope="长" * 300)
    assert Inspection.objects.filter(candidate=candidate, notice_scope__startswith="长").count() == 0


def _meeting(world):
    to_decision(world)
    return voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )


def test_a_nul_byte_in_an_absence_reason_is_refused_and_nothing_is_recorded(client, world):
    meeting = _meeting(world)
    absent = world.members[6]
    client.force_login(world.secretary)
    data = {"present": [str(m.pk) for m in world.members[:6]], f"reason_{absent.pk}": "出差\x00"}
    response = client.post(reverse("meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    assert any("缺席原因" in text for text in refusals(response)), refusals(response)
    assert not Attendance.objects.filter(meeting=meeting, present=True).exists()
    data[f"reason_{absent.pk}"] = "出差"
    client.post(reverse("meeting_attendance", args=[meeting.pk]), data)
    assert Attendance.objects.get(meeting=meeting, member=absent).absence_reason == "出差"


@pytest.fixture
def box(world):
    to_inspection(world)
    return voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.APPRAISAL, title="民主测评", held_on=TODAY
    )


@pytest.mark.parametrize("value", ["-5", HUGE_COUNT, "1e3", "五"])
def test_paper_tally_counts_must_be_whole_numbers_in_range(client, world, box, value):
    client.force_login(world.hr)
    response = client.post(
        reverse("box_paper", args=[box.pk]), {"middle_expected": value, "middle_actual": "0"}
    )
    assert response.status_code == 302
    assert refusals(response), "refused with a reason"
    box.refresh_from_db()
    assert box.phase != BallotBox.Phase.CLOSED and not box.tally


def test_the_paper_tally_service_refuses_counts_out_of_range(world, box):
    huge = voting.CategoryCount(expected=10**30, actual=0, valid=0)
    with pytest.raises(ServiceError, match="0 至 100,000"):
        voting.enter_paper_tally(box, by=world.hr, counts={"middle": huge})


@pytest.mark.parametrize("field", ["expected", "actual", "valid_ballots", "votes"])
def test_recommendation_round_counts_have_an_upper_bound(client, world, field):
    to_recommendation(world)
    candidate = world.candidates[0]
    data = {"kind": "conversation", "held_on": TODAY.isoformat(), "expected": "20", "actual": "18"}
    data[f"votes_{candidate.pk}" if field == "votes" else field] = HUGE_COUNT
    client.force_login(world.hr)
    response = client.post(reverse("case_round", args=[world.case.pk]), data)
    assert response.status_code == 200
    assert not RecommendationRound.objects.filter(case=world.case).exists()
    form = response.context["round_form"]
    assert any("100000" in e or "100,000" in e for errors in form.errors.values() for e in errors), (
        form.errors
    )


def test_every_count_field_of_the_round_form_has_a_maximum(world):
    to_recommendation(world)
    form = RoundForm(candidates=list(world.case.candidates.all()))
    form.full_clean()
    counts = [f for f in form.fields.values() if f.__class__.__name__ == "IntegerField"]
    assert counts and all(f.max_value == COUNT_MAX and f.min_value == 0 for f in counts)


def test_a_300000_character_rewards_field_is_refused_quickly(org, hr):
    cadre = CadreFactory(organization=org)
    data = {
        "organization": str(org.pk),
        "name": cadre.name,
        "sex": cadre.sex,
        "id_number": cadre.id_number,
        "birth_date": cadre.birth_date.isoformat(),
        "ethnicity": "汉族",
        "work_started_on": cadre.work_started_on.isoformat(),
        "health": "健康",
        "rewards_and_punishments": "奖" * 300_000,
    }
    start = time.perf_counter()
    form = CadreForm(data, instance=cadre, user=hr)
    assert not form.is_valid()
    assert "rewards_and_punishments" in form.errors and "1000" in form.errors["rewards_and_punishments"][0]
    assert time.perf_counter() - start < 2
    assert "不超过 1000 字" in str(form["rewards_and_punishments"].help_text)


def test_control_characters_are_refused_in_free_text(client, world):
    to_inspection(world)
    client.force_login(world.hr)
    response = client.post(reverse("case_terminate", args=[world.case.pk]), {"reason": "因故终止\x01"})
    world.case.refresh_from_db()
    assert world.case.is_open
    assert CONTROL_MESSAGE in response.content.decode() or any(
        CONTROL_MESSAGE in t for t in refusals(response)
    )


def test_justifications_lose_control_characters_and_stay_bounded():
    data = {"justify_a": "理由\x00一", "justify_b": "长" * 5000, "other": "x"}
    cleaned = justifications_from(data)
    assert cleaned["a"] == "理由一" and len(cleaned["b"]) == 2000 and "other" not in cleaned


def test_a_render_past_the_time_limit_fails_cleanly_in_chinese(client, org, hr, settings):
    settings.XUANBA_PDF_TIME_LIMIT_SECONDS = 0.05
    cadre = CadreFactory(organization=org)
    client.force_login(hr)
    response = client.get(reverse("cadre_approval_form", args=[cadre.pk]))
    assert response.status_code == 503
    assert "文书生成时间过长" in response.content.decode()
    settings.XUANBA_PDF_TIME_LIMIT_SECONDS = 60
    again = client.get(reverse("cadre_approval_form", args=[cadre.pk]))  # the next render works
    assert again.status_code == 200 and b"".join(again.streaming_content).startswith(b"%PDF")


FINALIZER_SCENARIO = """
import sys, time
from selection.pdf.limits import RenderTimedOut, rendering, time_limit
import selection.pdf.render  # loaded, as in every real render

def escaped(kind, error, tb):  # the alarm's exception may surface outside the `with` (see the test)
    print(f"stopped after {time.monotonic() - started:.2f} s ({kind.__name__}, outside the with)")

sys.excepthook = escaped

class SlowToDie:
    def __del__(self):
        time.sleep(0.08)  # the deadline passes in here

started = time.monotonic()
try:
    with time_limit(0.05), rendering():
        SlowToDie()  # collected at once: the alarm fires inside __del__ and is deferred
        while time.monotonic() - started < 2:
            pass
except RenderTimedOut:
    print(f"stopped after {time.monotonic() - started:.2f} s")
"""


def test_a_time_limit_expiring_inside_a_garbage_collector_finalizer_still_stops_the_render():
    """The alarm may fire while the collector runs some object's `__del__`: raised there it would be
    ignored ("Exception ignored in …", seen on PostgreSQL) and the render would run on. It fires again.
    Run in a fresh interpreter. Now and then (about one run in three here) CPython delivers the retried
    alarm's exception outside the `with` and its `try`, with the finalizer's frame already gone; the
    render stops just the same, which is what this asserts."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + FINALIZER_SCENARIO],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0 or "outside the with" in done.stdout, done.stderr[-2000:]
    stopped = done.stdout.strip()
    assert stopped.startswith("stopped after "), (done.stdout, done.stderr[-2000:])
    assert "RenderTimedOut" in stopped or "(" not in stopped
    assert float(stopped.split()[2]) < 0.5


# ---- views that read POST without a form (issue 13: "every view that reads POST goes through a form") --


def _open_meeting(world):
    meeting = _meeting(world)
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    return voting.open_voting(meeting, by=world.secretary, method="hands")


def test_a_vote_for_a_candidate_not_on_the_agenda_is_refused_in_chinese_not_a_500(client, world):
    meeting = _open_meeting(world)
    client.force_login(world.members[2])
    url = reverse("meeting_vote", args=[meeting.pk])
    response = client.post(url, {f"c_{MISSING_PK}": "agree"})  # read raw: Candidate.DoesNotExist, a 500
    assert response.status_code == 302
    assert any("同意" in text for text in refusals(response)), refusals(response)
    assert not OpenVote.objects.filter(meeting=meeting).exists()
    target = world.candidates[0]
    client.post(url, {f"c_{target.pk}": "agree"})
    assert OpenVote.objects.filter(meeting=meeting, candidate=target, member=world.members[2]).exists()


def test_a_nul_byte_in_a_yearly_evaluation_suggestion_is_refused_and_the_voter_may_still_vote(
    client, world, hr
):
    # Read raw, the suggestion went into the stored ballot: refused by PostgreSQL (a 500), kept by SQLite.
    report = annual.open_report(world.org, 2026, by=hr, today=TODAY)
    work = report.evaluations.get(kind="work")
    voter = UserFactory(organization=world.org, roles=[Role.STAFF])
    annual.invite_accounts(work, by=hr, users=[voter])
    annual.open_evaluation(work, by=hr)
    client.force_login(voter)
    url = reverse("annual_vote", args=[work.pk])
    answers = {f"q{i}": "good" for i in range(len(work.questions))}
    refused = client.post(url, {**answers, "suggestion": "公开\x00更多信息"})
    assert "意见建议：" in refused.content.decode()  # Django refuses a NUL byte in a CharField
    done = client.post(url, {**answers, "suggestion": "公开更多信息"})  # the first one was not cast
    assert "回执码" in done.content.decode()


def test_a_yearly_evaluation_problem_in_non_ascii_digits_is_refused(client, world, hr):
    # int("١") is 1: read raw, an Arabic-Indic digit ticked problem 2.
    report = annual.open_report(world.org, 2026, by=hr, today=TODAY)
    work = report.evaluations.get(kind="work")
    voter = UserFactory(organization=world.org, roles=[Role.STAFF])
    annual.invite_accounts(work, by=hr, users=[voter])
    annual.open_evaluation(work, by=hr)
    client.force_login(voter)
    answers = {f"q{i}": "good" for i in range(len(work.questions))}
    response = client.post(reverse("annual_vote", args=[work.pk]), {**answers, "problems": ["0", "١"]})
    assert "问题选项无效" in response.content.decode()


def test_a_hostile_next_after_an_upload_goes_back_to_the_case(client, world):
    to_inspection(world)
    client.force_login(world.hr)
    pdf = SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    response = client.post(
        reverse("document_upload", args=[world.case.pk]),
        {"kind": "analysis", "title": "分析研判材料", "file": pdf, "next": "/cases/\x00/../admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == world.case.get_absolute_url()


def test_a_control_character_in_the_holiday_notice_source_is_refused_and_nothing_saved(client, org):
    from .test_holidays import NOTICE_2027

    admin = UserFactory(username="sysadmin", organization=None, roles=[Role.ADMIN], is_superuser=True)
    client.force_login(admin)
    data = {"year": 2027, "source": "国办发明电\x00", "notice_text": NOTICE_2027, "confirm": "save"}
    response = client.post(reverse("holiday_edit"), data)
    assert response.status_code == 200
    assert CONTROL_MESSAGE in response.content.decode()
    assert not HolidaySchedule.objects.filter(year=2027).exists()
