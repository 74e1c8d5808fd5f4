"""Registry integrity (R-REG-1..4): one service changes holdings, and every door — the registry form, the
Excel and LRMX imports, the admin, appointment — refuses a second holder, an exceeded quota and a second
实职 post, changing nothing."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from selection.interchange.importing import (
    ImportRefused,
    import_cadre_sheet,
    import_lrmx_files,
    preview_cadre_sheet,
    preview_lrmx_files,
)
from selection.models import Cadre, Post, PostHolding, Quota, Rank
from selection.services.registry import (
    HoldingRefused,
    assign_holding,
    check_holdings,
    end_holding,
    quota_rows,
)

from .factories import CadreFactory, DepartmentFactory, PostFactory, PostHoldingFactory
from .test_interchange_lrmx import SAMPLE
from .test_interchange_xlsx import person, sheet


def holdings_snapshot() -> list[tuple]:
    return sorted(
        PostHolding.objects.values_list("cadre_id", "post_id", "started_on", "ended_on", "is_concurrent")
    )


@pytest.fixture
def office(org):
    return DepartmentFactory(organization=org, name="办公室")


@pytest.fixture
def director(org, office):
    return Post.objects.create(organization=org, department=office, title="办公室主任", rank=Rank.CHIEF)


@pytest.fixture
def occupied(org, director):
    """办公室主任 held by 王明 since 2020."""
    return PostHoldingFactory(cadre=CadreFactory(organization=org, name="王明"), post=director)


def fill_chief_quota(org, approved: int, filled: int) -> None:
    Quota.objects.create(organization=org, rank=Rank.CHIEF, approved=approved)
    for _ in range(filled):
        PostHoldingFactory(cadre=CadreFactory(organization=org), post=PostFactory(organization=org))


# ---- the service ---------------------------------------------------------------------------------------


def test_r_reg_1_second_holder_of_an_occupied_post_is_refused(org, occupied):
    before = holdings_snapshot()
    newcomer = CadreFactory(organization=org, name="李华")
    with pytest.raises(HoldingRefused) as refused:
        assign_holding(newcomer, occupied.post, date(2024, 1, 1))
    assert "R-REG-1" in refused.value.message and "王明" in refused.value.message
    assert holdings_snapshot() == before


def test_r_reg_1_a_post_with_two_seats_takes_two_holders_not_three(org, director):
    director.seats = 2
    director.save()
    assign_holding(CadreFactory(organization=org), director, date(2023, 1, 1))
    assign_holding(CadreFactory(organization=org), director, date(2023, 2, 1))
    with pytest.raises(HoldingRefused, match="R-REG-1"):
        assign_holding(CadreFactory(organization=org), director, date(2023, 3, 1))
    assert director.holdings.filter(ended_on__isnull=True).count() == 2


def test_r_reg_1_the_post_is_free_again_once_its_holder_leaves(org, occupied):
    end_holding(occupied, date(2024, 1, 1))
    holding = assign_holding(CadreFactory(organization=org), occupied.post, date(2024, 1, 2))
    assert holding.pk and occupied.post.holdings.filter(ended_on__isnull=True).get() == holding


def test_r_reg_2_quota_exceeded_is_refused(org):
    fill_chief_quota(org, approved=6, filled=6)
    before = holdings_snapshot()
    with pytest.raises(HoldingRefused) as refused:
        assign_holding(CadreFactory(organization=org), PostFactory(organization=org), date(2024, 1, 1))
    assert "R-REG-2：中层正职核定6名，保存后现配将达7名，超配1名" in refused.value.message
    assert holdings_snapshot() == before


def test_r_reg_2_quota_page_rows_show_approved_filled_pending_vacant_and_over(org):
    fill_chief_quota(org, approved=6, filled=4)
    Quota.objects.create(organization=org, rank=Rank.DEPUTY, approved=1)
    PostHolding.objects.bulk_create(  # a legacy overfill (written before the service existed)
        [
            PostHolding(
                cadre=CadreFactory(organization=org),
                post=PostFactory(organization=org, rank=Rank.DEPUTY),
                started_on=date(2020, 1, 1),
            )
            for _ in range(3)
        ]
    )
    rows = {row.rank: row for row in quota_rows(org)}
    assert (rows["chief"].approved, rows["chief"].filled, rows["chief"].vacant, rows["chief"].over) == (
        6,
        4,
        2,
        0,
    )
    assert (rows["deputy"].filled, rows["deputy"].vacant, rows["deputy"].over) == (3, 0, 2)


def test_r_reg_3_a_second_real_post_is_refused_a_concurrent_one_is_not(org, occupied):
    cadre = occupied.cadre
    other = PostFactory(organization=org, title="工会主席")
    with pytest.raises(HoldingRefused, match="R-REG-3"):
        assign_holding(cadre, other, date(2024, 1, 1), end_current=False)
    concurrent = assign_holding(cadre, other, date(2024, 1, 1), concurrent=True)
    assert concurrent.is_concurrent
    assert set(cadre.holdings.filter(ended_on__isnull=True)) == {occupied, concurrent}
    cadre = Cadre.objects.for_detail().get(pk=cadre.pk)
    assert cadre.current_holding(date(2024, 6, 1)) == occupied  # the 实职 post, not the 兼任 one


def test_r_reg_3_assigning_a_new_post_ends_the_current_one_the_same_day(org, occupied):
    new = assign_holding(occupied.cadre, PostFactory(organization=org), date(2024, 5, 6))
    occupied.refresh_from_db()
    assert occupied.ended_on == date(2024, 5, 6) and new.ended_on is None


def test_r_reg_1_a_move_within_one_batch_is_checked_as_a_whole(org, occupied):
    """The holder moves on and another takes the post in the same change: no conflict."""
    leaving = occupied
    leaving.ended_on = date(2024, 1, 1)
    arriving = PostHolding(
        cadre=CadreFactory(organization=org), post=occupied.post, started_on=date(2024, 1, 2)
    )
    assert check_holdings([leaving, arriving]) == []


def test_r_reg_4_holding_dates_in_order_and_not_in_the_future(org, director):
    cadre = CadreFactory(organization=org, birth_date=date(1986, 5, 20), work_started_on=date(2008, 7, 1))
    with pytest.raises(Exception, match="不能早于参加工作时间"):
        assign_holding(cadre, director, date(2008, 6, 30))
    with pytest.raises(Exception, match="日期不能晚于今天"):
        assign_holding(cadre, director, date.today() + timedelta(days=1))
    assert not PostHolding.objects.exists()


# ---- the registry form -------------------------------------------------------------------------------


def _edit_data(cadre: Cadre, holding_rows: list[dict]) -> dict:
    data = {
        "organization": cadre.organization_id,
        "department": "",
        "name": cadre.name,
        "sex": cadre.sex,
        "id_number": cadre.id_number,
        "birth_date": cadre.birth_date.isoformat(),
        "ethnicity": cadre.ethnicity,
        "native_place": cadre.native_place,
        "birthplace": cadre.birthplace,
        "work_started_on": cadre.work_started_on.isoformat(),
        "health": cadre.health,
        "rewards_and_punishments": "无",
        "is_active": "on",
    }
    for prefix in ("education", "resume", "assessments", "family", "sanctions"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {"holdings-TOTAL_FORMS": str(len(holding_rows)), "holdings-INITIAL_FORMS": "0"}
    for index, row in enumerate(holding_rows):
        data |= {f"holdings-{index}-{key}": value for key, value in row.items()}
    return data


def test_r_reg_1_registry_form_refuses_a_second_holder(client, hr, org, occupied):
    cadre = CadreFactory(organization=org, name="李华")
    before = holdings_snapshot()
    client.force_login(hr)
    data = _edit_data(cadre, [{"post": occupied.post_id, "started_on": "2024-01-02", "how": "promotion"}])
    response = client.post(reverse("cadre_edit", args=[cadre.pk]), data)
    assert response.status_code == 200
    assert "R-REG-1" in response.text and "王明" in response.text
    assert holdings_snapshot() == before


def test_r_reg_2_registry_form_refuses_a_quota_exceeded(client, hr, org):
    fill_chief_quota(org, approved=6, filled=6)
    cadre = CadreFactory(organization=org)
    before = holdings_snapshot()
    client.force_login(hr)
    post = PostFactory(organization=org)
    data = _edit_data(cadre, [{"post": post.pk, "started_on": "2024-01-02", "how": "promotion"}])
    response = client.post(reverse("cadre_edit", args=[cadre.pk]), data)
    assert "R-REG-2" in response.text
    assert holdings_snapshot() == before


def test_r_reg_3_registry_form_saves_a_concurrent_post(client, hr, org, occupied):
    cadre = occupied.cadre
    client.force_login(hr)
    other = PostFactory(organization=org, title="工会主席")
    row = {"post": other.pk, "started_on": "2024-01-02", "how": "other"}
    response = client.post(reverse("cadre_edit", args=[cadre.pk]), _edit_data(cadre, [row]))
    assert "R-REG-3" in response.text
    response = client.post(
        reverse("cadre_edit", args=[cadre.pk]), _edit_data(cadre, [row | {"is_concurrent": "on"}])
    )
    assert response.status_code == 302
    assert cadre.holdings.get(post=other).is_concurrent


# ---- imports: the preview names the row and the rule, and nothing is written -----------------------------


def test_r_reg_1_excel_import_refuses_a_second_holder_in_the_preview(org, occupied):
    data = sheet(person(现任职务="办公室主任", 任职时间="2023.05"))
    before, cadres = holdings_snapshot(), Cadre.objects.count()
    plan = preview_cadre_sheet(data, org)
    assert not plan.ok
    [problem] = [p for p in plan.problems if "R-REG-1" in p.message]
    assert (problem.row, problem.column) == (2, "现任职务")
    with pytest.raises(ImportRefused):
        import_cadre_sheet(data, org)
    assert (holdings_snapshot(), Cadre.objects.count()) == (before, cadres)


def test_r_reg_2_excel_import_refuses_eight_chiefs_of_six(org):
    fill_chief_quota(org, approved=6, filled=6)
    for n in (1, 2):
        PostFactory(organization=org, department=None, title=f"新科室{n}科长")
    rows = [
        person(姓名=f"新任{n}", seq=20 + n, 现任职务=f"新科室{n}科长", 任职时间="2023.05") for n in (1, 2)
    ]
    before, cadres = holdings_snapshot(), Cadre.objects.count()
    plan = preview_cadre_sheet(sheet(*rows), org)
    quota = [p for p in plan.problems if "R-REG-2" in p.message]
    assert [p.row for p in quota] == [2, 3]
    assert "核定6名，保存后现配将达8名，超配2名" in quota[0].message
    with pytest.raises(ImportRefused):
        import_cadre_sheet(sheet(*rows), org)
    assert (holdings_snapshot(), Cadre.objects.count()) == (before, cadres)


def test_r_reg_1_excel_preview_page_shows_the_conflict_and_offers_no_confirmation(client, hr, org, occupied):
    client.force_login(hr)
    upload = io.BytesIO(sheet(person(现任职务="办公室主任", 任职时间="2023.05")))
    upload.name = "cadres.xlsx"
    response = client.post(reverse("cadre_import"), {"file": upload})
    assert "R-REG-1" in response.text and "第2行" in response.text
    assert "确认导入" not in response.text
    assert Cadre.objects.count() == 1


@pytest.fixture
def sample_post(org):
    department = DepartmentFactory(organization=org, name="待遇保障科")
    return Post.objects.create(organization=org, department=department, title="科长", rank=Rank.CHIEF)


def test_r_reg_1_lrmx_import_refuses_a_second_holder_in_the_preview(org, sample_post):
    PostHoldingFactory(cadre=CadreFactory(organization=org, name="王明"), post=sample_post)
    files = [("sample.lrmx", SAMPLE.read_bytes())]
    before, cadres = holdings_snapshot(), Cadre.objects.count()
    plan = preview_lrmx_files(files, org)
    [problem] = [p for p in plan.problems if "R-REG-1" in p.message]
    assert problem.location == "sample.lrmx" and "王明" in problem.message
    with pytest.raises(ImportRefused):
        import_lrmx_files(files, org)
    assert (holdings_snapshot(), Cadre.objects.count()) == (before, cadres)


def test_r_reg_2_lrmx_import_refuses_a_quota_exceeded(org, sample_post):
    fill_chief_quota(org, approved=6, filled=6)
    files = [("sample.lrmx", SAMPLE.read_bytes())]
    before, cadres = holdings_snapshot(), Cadre.objects.count()
    plan = preview_lrmx_files(files, org)
    assert any("R-REG-2" in p.message and p.source == "sample.lrmx" for p in plan.problems)
    with pytest.raises(ImportRefused):
        import_lrmx_files(files, org)
    assert (holdings_snapshot(), Cadre.objects.count()) == (before, cadres)


def test_r_reg_1_lrmx_preview_page_shows_the_conflict_and_writes_nothing(client, hr, org, sample_post):
    PostHoldingFactory(cadre=CadreFactory(organization=org, name="王明"), post=sample_post)
    client.force_login(hr)
    upload = io.BytesIO(SAMPLE.read_bytes())
    upload.name = "sample.lrmx"
    response = client.post(reverse("lrmx_import"), {"files": [upload]})
    assert response.status_code == 200
    assert "R-REG-1" in response.text and "sample.lrmx" in response.text
    assert "确认导入" not in response.text
    assert Cadre.objects.count() == 1


def test_r_reg_1_lrmx_confirmation_rechecks_a_registry_changed_since_the_preview(
    client, hr, org, sample_post
):
    client.force_login(hr)
    upload = io.BytesIO(SAMPLE.read_bytes())
    upload.name = "sample.lrmx"
    response = client.post(reverse("lrmx_import"), {"files": [upload]})
    assert "确认导入" in response.text
    PostHoldingFactory(cadre=CadreFactory(organization=org, name="王明"), post=sample_post)  # meanwhile
    token = client.session["lrmx_import"]["token"]
    response = client.post(reverse("lrmx_import_confirm"), {"token": token})
    assert "本次没有导入任何数据" in response.text and "R-REG-1" in response.text
    assert Cadre.objects.count() == 1


# ---- the admin -----------------------------------------------------------------------------------------


def test_r_reg_1_admin_cannot_add_change_or_delete_holdings(client, admin_user, occupied):
    client.force_login(admin_user)
    assert client.get(reverse("admin:selection_postholding_add")).status_code == 403
    url = reverse("admin:selection_postholding_change", args=[occupied.pk])
    response = client.post(url, {"post": occupied.post_id, "started_on": "2021-01-01"})
    assert response.status_code == 403
    assert client.post(reverse("admin:selection_postholding_delete", args=[occupied.pk])).status_code == 403
    occupied.refresh_from_db()
    assert occupied.started_on == date(2020, 3, 1)


def test_r_reg_4_registry_form_refuses_a_work_start_after_a_post_start(client, hr, org, occupied):
    cadre = occupied.cadre
    client.force_login(hr)
    data = _edit_data(
        cadre,
        [{"id": occupied.pk, "post": occupied.post_id, "started_on": "2020-03-01", "how": "promotion"}],
    )
    data |= {"holdings-INITIAL_FORMS": "1", "work_started_on": "2021-01-01"}
    response = client.post(reverse("cadre_edit", args=[cadre.pk]), data)
    assert response.status_code == 200
    assert "R-REG-4" in response.text and "早于参加工作时间" in response.text
    cadre.refresh_from_db()
    assert cadre.work_started_on != date(2021, 1, 1)
