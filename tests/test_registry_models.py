"""Registry models: each derived fact at its boundaries, validation with Chinese messages, photos, kinship."""

import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from PIL import Image
from stdnum.cn import ric

from selection.models import Cadre, Kinship, Rank, ResumeEntry, Sanction, are_relatives, relatives_of
from selection.photos import crop_to_portrait
from selection.rules import KINSHIP_CATEGORIES, SanctionType

from .factories import (
    AnnualAssessmentFactory,
    CadreFactory,
    KinshipFactory,
    PostHoldingFactory,
    ResumeEntryFactory,
    SanctionFactory,
    id_number_for,
)

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _fresh(cadre: Cadre) -> Cadre:
    """The cadre as the screens load it (derived facts read prefetched relations)."""
    return Cadre.objects.for_detail().get(pk=cadre.pk)


# ---- age, years of work, deputy years ----------------------------------------------------------------


def test_age_turns_40_on_the_birthday_not_the_day_before():
    cadre = CadreFactory.build(birth_date=date(1986, 11, 26))
    assert cadre.age_on(date(2026, 11, 25)) == 39  # R-ELIG-5: still "under 40"
    assert cadre.age_on(date(2026, 11, 26)) == 40


def test_a_29_february_birthday_counts_from_1_march_in_common_years():
    cadre = CadreFactory.build(birth_date=date(1988, 2, 29))
    assert cadre.age_on(date(2027, 2, 28)) == 38
    assert cadre.age_on(date(2027, 3, 1)) == 39
    assert cadre.age_on(date(2028, 2, 29)) == 40


def test_years_of_work_complete_on_the_anniversary_of_the_start():
    cadre = CadreFactory.build(work_started_on=date(2024, 11, 26))
    assert cadre.years_of_work(date(2026, 11, 25)) == 1  # R-ELIG-2 needs 2
    assert cadre.years_of_work(date(2026, 11, 26)) == 2


@pytest.mark.django_db
def test_years_in_deputy_post_add_up_every_deputy_holding_and_skip_chief_ones():
    cadre = CadreFactory()
    PostHoldingFactory(
        cadre=cadre, post__rank=Rank.DEPUTY, started_on=date(2019, 1, 10), ended_on=date(2019, 8, 10)
    )  # 7 months
    PostHoldingFactory(
        cadre=cadre, post__rank=Rank.CHIEF, started_on=date(2019, 8, 10), ended_on=date(2020, 3, 1)
    )  # chief: not counted
    PostHoldingFactory(cadre=cadre, post__rank=Rank.DEPUTY, started_on=date(2026, 6, 26))  # open
    PostHoldingFactory(cadre=cadre, post__rank=Rank.DEPUTY, started_on=date(2027, 1, 1))  # not yet begun
    cadre = _fresh(cadre)
    assert cadre.months_in_deputy_post(date(2026, 11, 25)) == 7 + 4
    assert cadre.years_in_deputy_post(date(2026, 11, 25)) == 0
    assert cadre.months_in_deputy_post(date(2026, 11, 26)) == 7 + 5  # R-ELIG-1: one year reached
    assert cadre.years_in_deputy_post(date(2026, 11, 26)) == 1


@pytest.mark.django_db
def test_last_assessments_leave_out_the_current_year():
    cadre = CadreFactory()
    for year in (2022, 2023, 2024, 2025, 2026):
        AnnualAssessmentFactory(cadre=cadre, year=year)
    cadre = _fresh(cadre)
    assert [a.year for a in cadre.last_assessments(TODAY, count=2)] == [2025, 2024]
    assert [a.year for a in cadre.last_assessments(TODAY, count=1)] == [2025]
    assert [a.year for a in cadre.last_assessments(date(2027, 1, 1), count=2)] == [2026, 2025]


# ---- sanctions (R-INS-9) ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_demerit_is_in_effect_on_the_last_day_of_its_12_months_and_not_the_day_after():
    sanction = SanctionFactory(kind=SanctionType.DEMERIT, effective_on=date(2026, 3, 10))
    assert not sanction.in_effect_on(date(2026, 3, 9))
    assert sanction.in_effect_on(date(2026, 3, 10))
    assert sanction.in_effect_on(date(2027, 3, 10))
    assert not sanction.in_effect_on(date(2027, 3, 11))
    cadre = _fresh(sanction.cadre)
    assert cadre.sanctions_in_effect(date(2027, 3, 10)) == [sanction]
    assert cadre.sanctions_in_effect(date(2027, 3, 11)) == []


@pytest.mark.django_db
def test_an_admonition_lasts_6_months_and_a_setting_can_change_it():
    sanction = SanctionFactory(kind=SanctionType.ADMONITION, effective_on=date(2026, 1, 31))
    assert sanction.in_effect_on(date(2026, 7, 31))
    assert not sanction.in_effect_on(date(2026, 8, 1))
    periods = {SanctionType.ADMONITION: 12}
    assert sanction.in_effect_on(date(2026, 8, 1), periods)


@pytest.mark.django_db
def test_party_probation_counts_from_the_day_rights_are_restored():
    sanction = SanctionFactory(kind=SanctionType.PARTY_PROBATION, effective_on=date(2023, 1, 1))
    assert sanction.in_effect_on(date(2026, 11, 26))  # rights not restored: still on probation
    sanction.rights_restored_on = date(2024, 1, 1)
    assert sanction.in_effect_on(date(2026, 1, 1))
    assert not sanction.in_effect_on(date(2026, 1, 2))


@pytest.mark.django_db
def test_sanction_dates_are_checked():
    sanction = SanctionFactory.build(
        cadre=CadreFactory(),
        kind=SanctionType.DEMERIT,
        effective_on=date(2026, 12, 1),
        rights_restored_on=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        sanction.full_clean()
    assert error.value.message_dict == {
        "effective_on": ["日期不能晚于今天。"],
        "rights_restored_on": ["只有留党察看需要填写恢复党员权利日期。"],
    }


def test_sanction_kinds_are_the_rules_sanction_types():
    assert Sanction._meta.get_field("kind").choices == SanctionType.choices


# ---- months in post and rotation (R-REQ-2) ------------------------------------------------------------


@pytest.mark.django_db
def test_rotation_is_due_at_5_years_and_overdue_at_10():
    cadre = CadreFactory()
    PostHoldingFactory(cadre=cadre, started_on=date(2016, 11, 26))
    cadre = _fresh(cadre)
    assert cadre.months_in_current_post(date(2021, 11, 25)) == 59
    assert cadre.rotation_status(date(2021, 11, 25)) == ""
    assert cadre.months_in_current_post(date(2021, 11, 26)) == 60
    assert cadre.rotation_status(date(2021, 11, 26)) == "due"
    assert cadre.rotation_status(date(2026, 11, 25)) == "due"
    assert cadre.months_in_current_post(TODAY) == 120
    assert cadre.rotation_status(TODAY) == "overdue"


@pytest.mark.django_db
def test_months_in_current_post_follow_the_latest_running_holding():
    cadre = CadreFactory()
    PostHoldingFactory(cadre=cadre, started_on=date(2015, 1, 1), ended_on=date(2025, 12, 25))
    PostHoldingFactory(cadre=cadre, post__rank=Rank.DEPUTY, started_on=date(2025, 12, 26))
    cadre = _fresh(cadre)
    assert cadre.months_in_current_post(date(2026, 11, 25)) == 10
    assert cadre.months_in_current_post(TODAY) == 11
    assert cadre.rank_on(TODAY) == Rank.DEPUTY
    assert cadre.rotation_status(TODAY) == ""
    assert cadre.current_holding(date(2025, 12, 25)).started_on == date(2015, 1, 1)


@pytest.mark.django_db
def test_a_cadre_without_a_post_has_no_months_in_post_and_no_rotation():
    cadre = _fresh(CadreFactory())
    assert cadre.months_in_current_post(TODAY) is None
    assert cadre.rotation_status(TODAY) == ""
    assert cadre.rank_on(TODAY) == ""


# ---- 简历 ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_resume_lines_follow_the_official_format():
    cadre = CadreFactory()
    ResumeEntryFactory(
        cadre=cadre, order=1, started_on=date(2008, 7, 1), ended_on=date(2012, 9, 1), text="某某县某某局科员"
    )
    ResumeEntryFactory(
        cadre=cadre,
        order=2,
        started_on=None,
        is_note=True,
        text="（其间：2015.09--2018.07在浙江大学在职研究生学习）",
    )
    ResumeEntryFactory(
        cadre=cadre, order=3, started_on=date(2019, 3, 1), ended_on=None, text="安吉县医疗保障局副科长"
    )
    lines = _fresh(cadre).resume_lines()
    assert lines == [
        "2008.07--2012.09  某某县某某局科员",
        "（其间：2015.09--2018.07在浙江大学在职研究生学习）",
        "2019.03--" + " " * 9 + "安吉县医疗保障局副科长",
    ]
    # The text column lines up whether or not the end date is blank.
    assert lines[0].index("某") == lines[2].index("安")
    assert _fresh(cadre).resume_text() == "\n".join(lines)


def test_resume_entry_dates_must_be_in_order_and_present():
    cadre = CadreFactory.build()
    entry = ResumeEntry(cadre=cadre, started_on=date(2020, 1, 1), ended_on=date(2019, 1, 1), text="科员")
    with pytest.raises(ValidationError) as error:
        entry.clean()
    assert error.value.message_dict == {"ended_on": ["截止时间不能早于起始时间。"]}
    with pytest.raises(ValidationError) as error:
        ResumeEntry(cadre=cadre, text="科员").clean()
    assert error.value.message_dict == {"started_on": ["请填写起始时间（备注行除外）。"]}
    with pytest.raises(ValidationError) as error:
        ResumeEntry(cadre=cadre, started_on=date(2027, 1, 1), text="科员").clean()
    assert error.value.message_dict == {"started_on": ["日期不能晚于今天。"]}


# ---- identity and dates -------------------------------------------------------------------------------


def _cadre(**overrides) -> Cadre:
    org = overrides.pop("organization")
    birth = date(1990, 4, 15)
    values = {
        "organization": org,
        "name": "周子豪",
        "sex": "男",
        "birth_date": birth,
        "id_number": id_number_for(birth, "男", 3),
        "work_started_on": date(2012, 8, 1),
    }
    values.update(overrides)
    return Cadre(**values)


def _errors(cadre: Cadre) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        cadre.full_clean()
    return error.value.message_dict


@pytest.mark.django_db
def test_a_valid_cadre_passes_and_a_lowercase_x_is_normalised(org):
    _cadre(organization=org).full_clean()
    birth = date(1990, 4, 15)
    for serial in range(500):
        number = id_number_for(birth, "男", serial)
        if number.endswith("X"):
            break
    cadre = _cadre(organization=org, id_number=number.lower())
    cadre.full_clean()
    assert cadre.id_number == number


@pytest.mark.django_db
def test_a_wrong_check_digit_is_refused_in_chinese(org):
    number = id_number_for(date(1990, 4, 15), "男", 3)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert _errors(_cadre(organization=org, id_number=wrong)) == {
        "id_number": ["公民身份号码无效：请检查位数（18位）和最后一位校验码。"]
    }
    assert "id_number" in _errors(_cadre(organization=org, id_number=number[:17]))


@pytest.mark.django_db
def test_an_older_cadre_may_carry_the_county_code_of_the_place_of_registration(org):
    # 330523 exists since 1983; numbers issued later carry it whatever the birth year.
    birth = date(1975, 9, 18)
    _cadre(organization=org, birth_date=birth, id_number=id_number_for(birth, "男", 1)).full_clean()


@pytest.mark.django_db
def test_an_impossible_birth_date_or_address_code_is_refused(org):
    def number(body: str) -> str:
        return body + ric.calc_check_digit(body + "?")

    assert _errors(_cadre(organization=org, id_number=number("33052319900230003")))["id_number"] == [
        "公民身份号码中的出生日期（第7–14位）无效。"
    ]
    assert _errors(_cadre(organization=org, id_number=number("99999919900415003")))["id_number"] == [
        "公民身份号码的前6位（地址码）不是有效的行政区划代码。"
    ]


@pytest.mark.django_db
def test_birth_date_and_sex_must_agree_with_the_id_number(org):
    errors = _errors(_cadre(organization=org, birth_date=date(1990, 4, 16), sex="女"))
    assert errors == {
        "birth_date": ["出生日期与公民身份号码中的出生日期不一致。"],
        "sex": ["性别与公民身份号码不一致（号码显示为男）。"],
    }


@pytest.mark.django_db
def test_dates_must_follow_the_birth_and_not_be_in_the_future(org):
    errors = _errors(
        _cadre(organization=org, work_started_on=date(1989, 1, 1), party_joined_on=date(2026, 11, 27))
    )
    assert errors == {
        "work_started_on": ["参加工作时间应晚于出生日期。"],
        "party_joined_on": ["日期不能晚于今天。"],
    }
    assert _errors(_cadre(organization=org, party_joined_on=date(1980, 1, 1))) == {
        "party_joined_on": ["入党时间应晚于出生日期。"]
    }
    assert _cadre(organization=org, party_joined_on=TODAY).full_clean() is None  # today itself is fine


@pytest.mark.django_db
def test_holding_and_assessment_dates_are_checked():
    holding = PostHoldingFactory.build(
        cadre=CadreFactory(), started_on=date(2020, 1, 1), ended_on=date(2019, 12, 31)
    )
    with pytest.raises(ValidationError) as error:
        holding.clean()
    assert error.value.message_dict == {"ended_on": ["免职时间不能早于任职时间。"]}
    assessment = AnnualAssessmentFactory.build(year=2027)
    with pytest.raises(ValidationError) as error:
        assessment.clean()
    assert error.value.message_dict == {"year": ["年度应在1950年至2026年之间。"]}


# ---- photos -------------------------------------------------------------------------------------------


def _image(width: int, height: int, fmt: str = "PNG") -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 200)).save(data, format=fmt)
    return data.getvalue()


@pytest.mark.parametrize(
    ("size", "expected"), [((600, 400), (320, 400)), ((400, 900), (400, 500)), ((400, 500), (400, 500))]
)
def test_photos_are_cropped_to_4_by_5_jpeg(size, expected):
    cropped = crop_to_portrait(_image(*size), "照片.png")
    assert cropped.name == "照片.jpg"
    with Image.open(io.BytesIO(cropped.read())) as image:
        assert image.format == "JPEG"
        assert image.size == expected


def test_photos_other_than_jpeg_or_png_are_refused():
    with pytest.raises(ValidationError, match="照片只能是 JPG 或 PNG 格式。"):
        crop_to_portrait(_image(400, 500, "GIF"))
    with pytest.raises(ValidationError, match="照片文件无法识别"):
        crop_to_portrait(b"%PDF-1.7 not a photo")


def test_photos_over_2_mb_are_refused():
    with pytest.raises(ValidationError, match="照片不能超过 2 MB。"):
        crop_to_portrait(b"\xff\xd8" + b"0" * (2 * 1024 * 1024))


# ---- kinship (R-KIN-1) --------------------------------------------------------------------------------


def test_kinship_categories_are_those_of_r_kin_1():
    assert set(Kinship.Category.values) == KINSHIP_CATEGORIES


@pytest.mark.django_db
def test_kinship_is_stored_once_and_read_from_either_side():
    first, second, third = CadreFactory(), CadreFactory(), CadreFactory()
    kinship = Kinship(cadre=third, other=first, category=Kinship.Category.IN_LAW, adoptive_or_step=True)
    kinship.full_clean()
    kinship.save()
    assert (kinship.cadre_id, kinship.other_id) == (first.pk, third.pk)
    assert list(relatives_of(first)) == [third]
    assert list(relatives_of(third)) == [first]
    assert relatives_of(second).count() == 0
    assert are_relatives(third, first) and are_relatives(first, third)
    assert not are_relatives(first, second)
    assert [(c.pk, k.pk) for c, k in _fresh(third).relatives()] == [(first.pk, kinship.pk)]
    assert [(c.pk, k.pk) for c, k in _fresh(first).relatives()] == [(third.pk, kinship.pk)]


@pytest.mark.django_db
def test_a_second_kinship_between_the_same_two_cadres_is_refused_from_either_side():
    kinship = KinshipFactory()
    again = Kinship(cadre=kinship.other, other=kinship.cadre, category=Kinship.Category.LINEAL)
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert error.value.messages == ["这两名干部之间已登记亲属关系；如需更改，请先删除原有记录。"]


@pytest.mark.django_db
def test_a_cadre_cannot_be_their_own_relative():
    cadre = CadreFactory()
    with pytest.raises(ValidationError) as error:
        Kinship(cadre=cadre, other=cadre, category=Kinship.Category.SPOUSE).full_clean()
    assert "不能与本人建立亲属关系。" in error.value.messages
