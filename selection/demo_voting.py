"""Demo online voting: a staff ballot that has been held, and a party-group meeting ready to be held.

`seed_voting()` is called at the end of `seed_demo()`, after `seed_cases()`. It is idempotent, and it goes
through `selection.services.voting` exactly as HR and the staff would in the browser:

1. 民主推荐 case (待遇保障科科长): a 会议推荐 held online in the 医保中心 and the bureau — 24 staff with
   accounts (zhigong01…24) and 6 中层干部 without one, who get printed slips. 21 account holders and 5 slip
   holders vote, HR closes the box: the tally by category, a third round (RoundResult rows) with the R-REC-6
   attendance check (26 of 30), and one receipt per ballot. Receipt and slip codes are shown once and are
   not kept anywhere: the demo stores nothing secret. The case still waits on R-INS-1 (targets not fixed).
2. 讨论决定 case (办公室副主任): nothing is voted here. The party-group member 周明 (dangzu6) is linked to his
   registry record, and the registry records that he is the uncle by marriage (姑父) of the proposed
   candidate 韩永强. When the chair (shuji) opens voting, 周明 is recused automatically (R-DEC-6); the seven
   members then run the meeting themselves in the browser (password Xuanba@2026).
"""

from datetime import date, datetime, time, timedelta

import time_machine
from django.utils import timezone

from accounts.models import User

from .demo import BUREAU, REGION_CODE, _sync, _upsert, demo_today
from .models import (
    AnnualAssessment,
    AssessmentResult,
    BallotBox,
    Cadre,
    CandidateStatus,
    EducationLevel,
    EducationRecord,
    FamilyMember,
    Kinship,
    Organization,
    ParticipantCategory,
    PoliticalStatus,
    ResumeEntry,
    SelectionCase,
    Sex,
)
from .services import voting
from .services.base import Actor

# The demo cases' titles without their year (demo_cases.DemoCase.label).
RECOMMENDATION_CASE = "第6批中层干部选拔任用（待遇保障科科长）"
DECISION_CASE = "第4批中层干部选拔任用（办公室副主任）"
BOX_DAYS_AGO = 12
BOX_TITLE = "待遇保障科科长会议推荐（网上投票）"
BOX_SCOPE = "局机关和医保中心干部职工（网上投票）"
ACCOUNT_VOTERS = [f"zhigong{i:02d}" for i in range(1, 25)]  # 24 invited by account
ABSENT_ACCOUNTS = {"zhigong07", "zhigong15", "zhigong22"}  # invited, did not vote
SLIPS = 6  # 中层干部 without an account vote with a printed one-time code
SLIPS_USED = 5

RECUSED_MEMBER = "dangzu6"  # 周明
RELATIVE_OF = "韩永强"  # the 讨论决定 case's proposed candidate

# 周明's own registry record: a party-group member is a cadre of the bureau too (no middle-level post).
ZHOU_MING_BIRTH = date(1971, 9, 14)
ZHOU_MING_SERIAL = 193  # odd: male; outside the range the generated registry uses


def _id_number(birth: date, serial: int) -> str:
    from stdnum.cn import ric

    body = f"{REGION_CODE}{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "?")


def seed_voting() -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["renshi", RECUSED_MEMBER])}
    org = Organization.objects.get(name=BUREAU)
    hr = Actor(users["renshi"], "10.20.1.15")
    seed_recommendation_box(org, hr)
    seed_recusal(org, users[RECUSED_MEMBER])


# ---- 1. a 会议推荐 held online ------------------------------------------------------------------------


def _ballot(index: int, candidates: list[int]) -> dict:
    """A fixed, varied spread: most recommend the first nominee, some another, a few nobody."""
    slot = index % 10
    if slot < 6:
        picked = candidates[:1]
    elif slot < 8:
        picked = candidates[1:2]
    elif slot == 8:
        picked = candidates[2:3]
    else:
        picked = []
    return {"candidates": picked}


def seed_recommendation_box(org: Organization, hr: Actor) -> BallotBox | None:
    case = SelectionCase.objects.filter(organization=org, title__endswith=RECOMMENDATION_CASE).first()
    if case is None:
        return None
    existing = case.ballot_boxes.filter(title=BOX_TITLE).first()
    if existing is not None:
        return existing
    held_on = demo_today() - timedelta(days=BOX_DAYS_AGO)
    # The meeting is held that morning: the box's record is stamped then, not on the day of seeding.
    with time_machine.travel(timezone.make_aware(datetime.combine(held_on, time(9))), tick=True):
        return _run_recommendation_box(case, hr, held_on)


def _run_recommendation_box(case: SelectionCase, hr: Actor, held_on: date) -> BallotBox:
    box = voting.create_ballot_box(
        case,
        by=hr,
        kind=BallotBox.Kind.RECOMMENDATION,
        title=BOX_TITLE,
        held_on=held_on,
        scope=BOX_SCOPE,
    )
    staff = {u.username: u for u in User.objects.filter(username__in=ACCOUNT_VOTERS)}
    accounts = [staff[name] for name in ACCOUNT_VOTERS]
    voting.invite_accounts(box, by=hr, users=accounts, category=ParticipantCategory.OTHER)
    codes = voting.issue_slips(box, by=hr, count=SLIPS, category=ParticipantCategory.MIDDLE)
    voting.open_box(box, by=hr)
    nominees = list(
        box.candidates.filter(status=CandidateStatus.NOMINATED).order_by("pk").values_list("pk", flat=True)
    )
    index = 0
    for user in accounts:
        if user.username in ABSENT_ACCOUNTS:
            continue
        voting.cast_staff_ballot(box, user=user, choices=_ballot(index, nominees))  # receipt not kept
        index += 1
    for code in codes[:SLIPS_USED]:
        voting.cast_staff_ballot(box, code=code, choices=_ballot(index, nominees))
        index += 1
    return voting.close_box(box, by=hr)


# ---- 2. a party-group member related to the candidate ----------------------------------------------


def seed_recusal(org: Organization, member: User) -> Cadre | None:
    """周明 (dangzu6) gets his registry record, linked to his account, with the kinship that recuses him."""
    relative = Cadre.objects.filter(organization=org, name=RELATIVE_OF).first()
    if relative is None:
        return None
    zhou = _upsert(
        Cadre,
        {"id_number": _id_number(ZHOU_MING_BIRTH, ZHOU_MING_SERIAL)},
        {
            "organization": org,
            "department": None,
            "name": member.get_full_name(),
            "sex": Sex.MALE,
            "birth_date": ZHOU_MING_BIRTH,
            "ethnicity": "汉族",
            "native_place": "浙江安吉",
            "birthplace": "浙江安吉",
            "party_joined_on": date(1993, 6, 1),
            "party_note": "",
            "work_started_on": date(1993, 8, 1),
            "health": "健康",
            "professional_title": "",
            "expertise": "医疗保障政策",
            "rewards_and_punishments": "无",
            "is_active": True,
            "account": member,
        },
    )
    _sync(
        zhou.education.all(),
        EducationRecord,
        [
            {
                "kind": EducationRecord.Kind.FULL_TIME,
                "level": EducationLevel.UNDERGRADUATE,
                "degree": "法学学士",
                "school_and_major": "浙江大学法学专业",
                "graduated_on": date(1993, 6, 30),
            }
        ],
        ["kind", "level", "degree", "school_and_major", "graduated_on"],
        cadre=zhou,
    )
    stages = [
        (date(1989, 9, 1), "浙江大学法学专业学习"),
        (date(1993, 8, 1), "安吉县劳动局科员"),
        (date(2008, 3, 1), "安吉县劳动和社会保障局医疗保险科科长"),
        (date(2019, 3, 15), "安吉县医疗保障局党组成员"),
    ]
    resume = [
        {
            "order": order,
            "started_on": start,
            "ended_on": stages[order][0] if order < len(stages) else None,
            "text": text,
            "is_note": False,
        }
        for order, (start, text) in enumerate(stages, start=1)
    ]
    _sync(
        zhou.resume.all(),
        ResumeEntry,
        resume,
        ["order", "started_on", "ended_on", "text", "is_note"],
        cadre=zhou,
    )
    family = [
        (
            "妻子",
            f"{RELATIVE_OF[0]}雪芬",
            date(1973, 4, 1),
            PoliticalStatus.CPC,
            "安吉县人民医院护士长",
            False,
        ),
        ("女儿", "周思远", date(1999, 10, 1), PoliticalStatus.CPC, "安吉县财政局科员", False),
        ("父亲", "周国华", date(1944, 2, 1), PoliticalStatus.CPC, "安吉县某某镇退休干部", True),
        ("母亲", "钱秀英", date(1946, 7, 1), PoliticalStatus.MASSES, "退休", False),
    ]
    _sync(
        zhou.family.all(),
        FamilyMember,
        [
            {
                "order": order,
                "relation": relation,
                "name": name,
                "birth_date": born,
                "political_status": status,
                "unit_and_post": unit,
                "deceased": deceased,
            }
            for order, (relation, name, born, status, unit, deceased) in enumerate(family, start=1)
        ],
        ["order", "relation", "name", "birth_date", "political_status", "unit_and_post", "deceased"],
        cadre=zhou,
    )
    _sync(
        zhou.assessments.all(),
        AnnualAssessment,
        [
            {
                "year": year,
                "result": AssessmentResult.EXCELLENT if year == 2023 else AssessmentResult.COMPETENT,
            }
            for year in range(2021, demo_today().year)
        ],
        ["year", "result"],
        cadre=zhou,
    )
    low, high = sorted([zhou, relative], key=lambda c: c.pk)
    _upsert(
        Kinship,
        {"cadre": low, "other": high},
        {
            "category": Kinship.Category.IN_LAW,
            "adoptive_or_step": False,
            "description": f"姑父与内侄（{member.get_full_name()}之妻{RELATIVE_OF[0]}雪芬是{RELATIVE_OF}的姑母）",
        },
    )
    return zhou
