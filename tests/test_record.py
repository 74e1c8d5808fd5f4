"""The record's integrity: verify_record and the auditor pages name the first broken link of a chain."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.roles import Role
from selection.models import Document, RecordEvent, verify_chain
from selection.services import cases as svc

from .factories import UserFactory
from .tamper import force_delete, force_update
from .workflow import TODAY, build_world, to_recommendation

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def world(org, hr):
    world = build_world(org, hr)
    to_recommendation(world)  # six events: open, approve, start, three nominations
    return world


def verify(*case_ids: int) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("verify_record", *[str(pk) for pk in case_ids], stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def event(case, seq: int):
    return RecordEvent.objects.filter(case=case, seq=seq)


def test_an_untouched_record_verifies_and_the_command_exits_zero(world):
    out, error = verify()
    assert error is None
    assert (
        f"✓ 批次 #{world.case.pk}《{world.case.title}》：共 6 条记录，链条完整，未发现篡改；2 个链头签名有效。"
        in out
    )
    assert "共核验 1 个批次，均未发现篡改。" in out


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", "主要领导同意启动选拔任用工作 "),
        ("payload", {"posts": ["改动过的职位"]}),
        ("findings", []),
        ("justification", {"R-MET-1": "补写的说明"}),
        ("attachments", [{"title": "补传", "sha256": "0" * 64}]),
        ("actor_name", "别人"),
        ("ip", "10.0.0.1"),
        ("action", "open_case"),
        ("from_state", "recommendation"),
        ("to_state", "inspection"),
    ],
)
def test_changing_any_field_of_a_stored_event_makes_verify_record_fail_and_name_it(world, field, value):
    force_update(event(world.case, 3), **{field: value})
    out, error = verify()
    assert error is not None
    assert error.returncode == 1
    assert f"✗ 批次 #{world.case.pk}《{world.case.title}》：第 3 条记录的内容已被改动。" in out


def test_moving_the_time_of_an_event_by_one_second_is_caught(world):
    stored = event(world.case, 2).get()
    force_update(event(world.case, 2), at=stored.at + timedelta(seconds=1))
    out, error = verify()
    assert error is not None
    assert "第 2 条记录的内容已被改动。" in out


def test_changing_one_character_of_a_payload_value_is_caught(world):
    stored = event(world.case, 1).get()
    payload = {**stored.payload, "origin": stored.payload["origin"] + "x"}
    force_update(event(world.case, 1), payload=payload)
    out, error = verify()
    assert error is not None
    assert "第 1 条记录的内容已被改动。" in out


def test_attributing_an_event_to_another_user_or_candidate_is_caught(world):
    force_update(event(world.case, 2), actor=world.hr)
    force_update(event(world.case, 5), candidate=world.candidates[2])
    out, error = verify()
    assert error is not None
    assert "第 2 条记录的内容已被改动。" in out  # the first broken link is named


def test_deleting_a_middle_event_makes_verify_record_fail_and_name_it(world):
    force_delete(event(world.case, 3))
    out, error = verify()
    assert error is not None
    assert "第 3 条记录缺失或顺序被改动。" in out


def test_deleting_the_last_event_is_not_visible_in_the_chain_but_rewriting_a_hash_is(world):
    # A chain cannot know about events after its end; the count is printed so it can be compared.
    force_update(event(world.case, 6), hash="f" * 64)
    out, error = verify()
    assert error is not None
    assert "第 6 条记录的内容已被改动。" in out


def test_recomputing_the_hash_of_a_changed_event_breaks_the_link_to_the_next_one(world):
    changed = event(world.case, 3).get()
    changed.summary = "改写的摘要"
    new_hash = changed.compute_hash()
    force_update(event(world.case, 3), summary="改写的摘要", hash=new_hash)
    out, error = verify()
    assert error is not None
    assert "第 4 条记录与前一条的链接不符（前序记录被删除或改动）。" in out


def test_verify_record_checks_only_the_cases_given(world, org, hr):
    other = svc.open_case(
        org,
        by=hr,
        title="另一批次",
        year=2026,
        posts=[world.deputy_post],
        motion_origin="main_leader",
        motion_date=TODAY,
    )
    force_update(event(other, 1), summary="改动")
    out, error = verify(world.case.pk)
    assert error is None
    assert "另一批次" not in out
    out, error = verify()
    assert error is not None
    assert f"✓ 批次 #{world.case.pk}" in out
    assert f"✗ 批次 #{other.pk}《另一批次》：第 1 条记录的内容已被改动。" in out
    assert "共核验 2 个批次，1 个发现异常。" in str(error)


def test_verify_record_refuses_an_unknown_case_id(world):
    with pytest.raises(CommandError, match="没有找到这些批次：#999999"):
        call_command("verify_record", "999999", stdout=io.StringIO())


def _document(world, data: bytes = b"%PDF-1.4 material") -> Document:
    import hashlib

    return Document.objects.create(
        case=world.case,
        kind=Document.Kind.ANALYSIS,
        title="分析研判材料",
        file=ContentFile(data, name="analysis.pdf"),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=world.hr,
    )


def test_a_changed_stored_document_fails_verify_record(world):
    document = _document(world)
    assert verify()[1] is None
    with open(document.file.path, "ab") as handle:
        handle.write(b" ")
    out, error = verify()
    assert error is not None
    assert f"文书《分析研判材料》（#{document.pk}）与归档时的 SHA-256 不符或文件丢失。" in out


# ---- the auditor pages ---------------------------------------------------------------------------------


def test_auditor_sees_every_case_with_its_chain_status(client, world, auditor, org, hr):
    other = svc.open_case(
        org,
        by=hr,
        title="另一批次",
        year=2026,
        posts=[world.deputy_post],
        motion_origin="main_leader",
        motion_date=TODAY,
    )
    svc.approve_motion(other, by=world.secretary)
    force_update(event(other, 2), summary="改动")
    client.force_login(auditor)
    assert "尚未核验" in client.get(reverse("record_audit")).content.decode()
    verify()  # the daily run stores each case's result; the page reads it
    response = client.get(reverse("record_audit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.case.title in html
    assert "✓ 完整" in html
    assert "✗ 第 2 条记录的内容已被改动。" in html
    assert "其中 1 个发现异常" in html


def test_auditor_page_shows_a_changed_document(client, world, auditor):
    document = _document(world)
    client.force_login(auditor)
    client.post(reverse("record_verify", args=[world.case.pk]))
    assert "✓ 未改动" in client.get(reverse("record_audit")).content.decode()
    with open(document.file.path, "wb") as handle:
        handle.write(b"%PDF-1.4 forged")
    response = client.post(reverse("record_verify", args=[world.case.pk]), follow=True)  # 立即核验
    assert "《分析研判材料》与归档时的摘要不符" in response.content.decode()
    html = client.get(reverse("record_audit")).content.decode()
    assert "✗ 有文书与归档时的摘要不符或文件丢失" in html


def test_case_record_page_lists_every_event_with_its_hashes(client, world, auditor):
    client.force_login(auditor)
    response = client.get(reverse("record_case", args=[world.case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    events = list(world.case.events.order_by("seq"))
    for stored in events:
        assert f'id="event-{stored.seq}"' in html
        assert f'title="{stored.hash}"' in html  # the full hash on hover
        assert stored.summary in html
    assert f'title="{events[0].prev_hash}"' in html
    assert "动议 → 民主推荐" in html
    assert "核验结果：✓ 共 6 条记录，链条完整，未发现篡改；2 个链头签名有效。" in html


def test_case_record_page_names_the_first_broken_link(client, world, auditor):
    force_update(event(world.case, 4), payload={"forged": True})
    client.force_login(auditor)
    html = client.get(reverse("record_case", args=[world.case.pk])).content.decode()
    assert "核验结果：✗ 第 4 条记录的内容已被改动。" in html
    assert 'id="event-4" class="table-danger"' in html


def test_case_record_page_shows_findings_justifications_and_ip(client, org, hr, auditor):
    from selection.services.base import Actor

    world = build_world(org, hr)
    case = svc.open_case(
        org,
        by=Actor(hr, "192.168.1.20"),
        title="三个职位",
        year=2026,
        posts=[world.post, world.deputy_post],
        motion_origin="main_leader",
        motion_date=TODAY,
        analysis="研判",
    )
    svc.approve_motion(case, by=world.secretary)
    svc.start_recommendation(case, by=hr)
    client.force_login(auditor)
    html = client.get(reverse("record_case", args=[case.pk])).content.decode()
    assert "192.168.1.20" in html
    assert "R-MOT-2" in html  # the findings shown at the step are part of the record


@pytest.mark.parametrize("persona", ["hr", "secretary", "member", "staff"])
def test_only_auditors_open_the_record_pages(client, world, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("record_audit")).status_code == 403
    assert client.get(reverse("record_case", args=[world.case.pk])).status_code == 403


def test_an_auditor_of_another_organization_gets_404(client, world, other_org):
    stranger = UserFactory(username="auditor2", organization=other_org, roles=[Role.AUDITOR])
    client.force_login(stranger)
    assert client.get(reverse("record_case", args=[world.case.pk])).status_code == 404
    assert world.case.title not in client.get(reverse("record_audit")).content.decode()


def test_the_navigation_shows_the_audit_page_to_auditors_only(client, auditor, hr):
    client.force_login(auditor)
    assert reverse("record_audit") in client.get(reverse("home")).content.decode()
    client.force_login(hr)
    assert reverse("record_audit") not in client.get(reverse("home")).content.decode()


# ---- constant queries ----------------------------------------------------------------------------------


def _cases(world, count: int) -> None:
    from .factories import PostFactory

    for index in range(count):
        post = PostFactory(organization=world.org, department=world.department, rank=world.deputy_post.rank)
        case = svc.open_case(  # one post per case: a post is selected in one open case at a time (R-REG-1)
            world.org,
            by=world.hr,
            title=f"批次{index}",
            year=2026,
            posts=[post],
            motion_origin="main_leader",
            motion_date=TODAY,
        )
        svc.approve_motion(case, by=world.secretary)
        Document.objects.create(
            case=case,
            kind=Document.Kind.ANALYSIS,
            title="材料",
            file=ContentFile(b"%PDF-1.4 x", name="x.pdf"),
            sha256="0" * 64,
            uploaded_by=world.hr,
        )


# Queries: session, user, the user's two-factor devices (2), the user's groups (roles), the page's count, the
# page of cases with their stored verification, the user's organization (the navigation bar), and the
# session's idle-timeout refresh (savepoint, update, release).
AUDIT_QUERIES = 11


@pytest.mark.parametrize("count", [1, 50])
def test_audit_page_queries_are_constant(client, org, hr, auditor, django_assert_max_num_queries, count):
    world = build_world(org, hr)
    _cases(world, count)
    client.force_login(auditor)
    with django_assert_max_num_queries(AUDIT_QUERIES):
        response = client.get(reverse("record_audit"))
    assert response.status_code == 200
    assert response.content.decode().count("查看记录") == count


# Queries: session, user, the user's groups (roles), the case, its events (with candidates and cadres),
# its documents (with candidates, cadres and uploaders), and the user's organization (the navigation bar);
# then the signed heads (checked, and the latest listed) and storing the result (the verification row
# with its savepoints, the documents' checks), the two-factor devices (2) and the session's idle-timeout
# refresh (3): 23, whatever the number of events.
CASE_QUERIES = 23


@pytest.mark.parametrize("nominees", [0, 49])
def test_case_record_page_queries_are_constant(
    client, org, hr, auditor, django_assert_max_num_queries, nominees
):
    from .factories import CadreFactory

    world = build_world(org, hr)
    case = svc.open_case(
        org,
        by=hr,
        title="批次",
        year=2026,
        posts=[world.post],
        motion_origin="main_leader",
        motion_date=TODAY,
    )
    vacancy = case.vacancies.get()
    for index in range(nominees):
        cadre = CadreFactory(organization=org, name=f"人选{index}")
        svc.nominate(case, by=hr, cadre=cadre, vacancy=vacancy)
    client.force_login(auditor)
    with django_assert_max_num_queries(CASE_QUERIES):
        response = client.get(reverse("record_case", args=[case.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('id="event-') == nominees + 1
    assert verify_chain(case.events.order_by("seq")).count == nominees + 1
