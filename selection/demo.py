"""Demo data for `manage.py seed_demo`: the 安吉县医疗保障局 with its people. Idempotent.

Each part is a function so later work can extend the demo without touching what exists.
"""

import random
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone
from stdnum.cn import ric

from accounts.models import User
from accounts.roles import ALL_GROUP_NAMES, Role

from .models import (
    AnnualAssessment,
    AssessmentResult,
    Cadre,
    Department,
    EducationLevel,
    EducationRecord,
    FamilyMember,
    Kinship,
    Organization,
    PoliticalStatus,
    Post,
    PostHolding,
    Quota,
    Rank,
    ResumeEntry,
    Sanction,
    Sex,
)
from .rules import SanctionType, add_months
from .services.registry import apply_holdings

DEMO_PASSWORD = "Xuanba@2026"

BUREAU = "安吉县医疗保障局"
CENTER = "安吉县医疗保障服务中心"
BUREAU_DEPARTMENTS = [
    "办公室",
    "组织人事科",
    "规划财务和法规科",
    "待遇保障科",
    "医药服务管理科",
    "基金监管科",
]
CENTER_DEPARTMENTS = ["综合科", "征缴稽核科", "待遇审核科", "医疗费用结算科"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    roles: tuple[Role, ...]
    note: str = ""
    organization: str = BUREAU


# The party group has seven members: the secretary, the personnel lead and five others.
PARTY_GROUP = [
    DemoAccount("shuji", "王建国", (Role.SECRETARY, Role.PARTY_MEMBER), "党组书记、局长（主要领导）"),
    DemoAccount(
        "fenguan", "李红梅", (Role.PERSONNEL_LEAD, Role.PARTY_MEMBER), "党组成员、副局长（分管干部人事）"
    ),
    DemoAccount("dangzu3", "张卫东", (Role.PARTY_MEMBER,), "党组成员、副局长"),
    DemoAccount("dangzu4", "陈志强", (Role.PARTY_MEMBER,), "党组成员、副局长"),
    DemoAccount("dangzu5", "刘芳", (Role.PARTY_MEMBER,), "党组成员、医保中心主任"),
    DemoAccount("dangzu6", "周明", (Role.PARTY_MEMBER,), "党组成员"),
    DemoAccount("dangzu7", "吴晓东", (Role.PARTY_MEMBER,), "党组成员"),
]
OFFICERS = [
    DemoAccount("renshi", "孙丽", (Role.HR,), "组织人事科（人事干部）"),
    DemoAccount("renshi2", "赵敏", (Role.HR,), "组织人事科（人事干部）"),
    DemoAccount("jijian", "郑国平", (Role.DISCIPLINE,), "派驻纪检监察组联络员"),
    DemoAccount("shenji", "冯静", (Role.AUDITOR,), "监督审计"),
    DemoAccount("admin", "系统管理员", (Role.ADMIN,), "系统管理员"),
]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
_GIVEN = [
    "晓峰",
    "丽娟",
    "海涛",
    "秀英",
    "建华",
    "静怡",
    "志刚",
    "雪梅",
    "永强",
    "佳琪",
    "国庆",
    "慧敏",
    "文博",
    "春燕",
    "伟民",
    "婷婷",
    "子豪",
    "美玲",
    "宏伟",
    "思远",
]


def staff_accounts(count: int = 40) -> list[DemoAccount]:
    """About forty staff (干部职工) with stable, varied names; every fourth works in the 医保中心."""
    accounts = []
    for i in range(count):
        name = _SURNAMES[(i * 7) % len(_SURNAMES)] + _GIVEN[(i * 3) % len(_GIVEN)]
        org = CENTER if i % 4 == 3 else BUREAU
        accounts.append(DemoAccount(f"zhigong{i + 1:02d}", name, (Role.STAFF,), "干部职工", org))
    return accounts


def seed_organizations() -> dict[str, Organization]:
    bureau, _ = Organization.objects.update_or_create(
        name=BUREAU, defaults={"short_name": "县医保局", "kind": Organization.Kind.BUREAU, "parent": None}
    )
    center, _ = Organization.objects.update_or_create(
        name=CENTER,
        defaults={"short_name": "医保中心", "kind": Organization.Kind.INSTITUTION, "parent": bureau},
    )
    for org, names in ((bureau, BUREAU_DEPARTMENTS), (center, CENTER_DEPARTMENTS)):
        for order, name in enumerate(names, start=1):
            Department.objects.update_or_create(organization=org, name=name, defaults={"order": order})
    return {BUREAU: bureau, CENTER: center}


def seed_accounts(orgs: dict[str, Organization]) -> list[DemoAccount]:
    accounts = PARTY_GROUP + OFFICERS + staff_accounts()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ALL_GROUP_NAMES}
    # One hash for every demo account: hashing is deliberately slow, and these passwords are public anyway.
    demo_hash = make_password(DEMO_PASSWORD)
    for account in accounts:
        user, created = User.objects.update_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "organization": orgs[account.organization],
                "is_staff": Role.ADMIN in account.roles,
                "is_superuser": Role.ADMIN in account.roles,
                "is_active": True,
            },
        )
        if created:
            user.password = demo_hash
            user.save(update_fields=["password"])
        user.groups.set([groups[role.group_name] for role in account.roles])
    return accounts


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    """Create or refresh the whole demo; returns the accounts to print."""
    with seeding_today():
        orgs = seed_organizations()
        accounts = seed_accounts(orgs)
        seed_registry(orgs)
        seed_calendar()
        from .demo_cases import seed_cases  # here: demo_cases builds on this module's constants

        seed_cases()
        from .demo_voting import seed_voting  # after the cases: it votes in them

        seed_voting()
        from .demo_competitive import seed_competitive  # 竞争上岗 standing at 笔试面试

        seed_competitive()
        from .demo_bureau import seed_bureau  # 试用期, 医保中心 case, 一报告两评议 (issue 14)

        seed_bureau()
    return accounts


# The demo's notices run within a few weeks of the day it is seeded. When those days fall in a year that
# neither chinese_calendar nor an administrator covers, the demo enters the fixed-date holidays only, marked
# as demo data, so that it runs on any day; an office enters the real notice on the 节假日安排 page.
DEMO_CALENDAR_NOTICE = "一、元旦：1月1日放假，共1天。\n四、劳动节：5月1日至5日放假，共5天。\n七、国庆节：10月1日至7日放假，共7天。"
DEMO_CALENDAR_SOURCE = "演示数据（仅含公历节日，非国务院通知）：正式使用前请按国务院办公厅通知重新录入"


def seed_calendar() -> None:
    from .services.calendar import covered_years, save_schedule

    today = demo_today()
    needed = {(today - timedelta(days=30)).year, (today + timedelta(days=14)).year}
    for year in sorted(needed - covered_years()):
        save_schedule(None, year, DEMO_CALENDAR_NOTICE, DEMO_CALENDAR_SOURCE)


# ---- the cadre registry ------------------------------------------------------------------------------
#
# Every recent date is computed from the day the demo is seeded (`demo_today()`), so on any day the demo has a
# notice running, a probation ending soon, and so on; older history (posts held since 2019) is fixed. The tests
# seed it with the clock pinned to DEMO_TODAY. On that
# day the registry holds the cases the rules care about (see EDGE_CASES and tests/test_demo.py).

DEMO_TODAY = date(2026, 11, 26)  # the day the tests pin the clock to before seeding


_seeding_day: ContextVar[date | None] = ContextVar("seeding_day", default=None)


def demo_today() -> date:
    """The day the demo is seeded on: every recent date of the demo counts from it.

    Fixed when seeding starts, so that steps replayed with the clock set to their own dates still count from
    the day of seeding."""
    return _seeding_day.get() or timezone.localdate()


@contextmanager
def seeding_today():
    token = _seeding_day.set(_seeding_day.get() or timezone.localdate())
    try:
        yield
    finally:
        _seeding_day.reset(token)


REGION_CODE = "330523"  # 浙江省湖州市安吉县
BUREAU_FOUNDED = date(2019, 3, 15)  # 安吉县医疗保障局 set up in the 2019 institutional reform

ORG_NAMES = {BUREAU: "安吉县医疗保障局", CENTER: "安吉县医疗保障服务中心"}
# Chief and deputy posts of every department; 办公室 calls them 主任 / 副主任.
POST_TITLES = {Rank.CHIEF: "科长", Rank.DEPUTY: "副科长"}
OFFICE_TITLES = {Rank.CHIEF: "主任", Rank.DEPUTY: "副主任"}
QUOTAS = {
    (BUREAU, Rank.CHIEF): 6,
    (BUREAU, Rank.DEPUTY): 6,
    (CENTER, Rank.CHIEF): 4,  # all four filled: the quota is full
    (CENTER, Rank.DEPUTY): 4,
}


def years_before(day: date, years: int) -> date:
    return add_months(day, -12 * years)


@dataclass(frozen=True)
class Holding:
    department: str
    rank: str
    started_on: date
    ended_on: date | None = None
    probation_ends_on: date | None = None
    probation_result: str = ""


@dataclass(frozen=True)
class DemoCadre:
    name: str
    sex: str
    birth_date: date
    org: str
    department: str
    holdings: tuple[Holding, ...] = ()
    low_assessment_2025: bool = False  # 基本称职 for the year before the demo is seeded
    sanctions: tuple[tuple[str, date, str], ...] = ()  # kind, effective on, document
    professional_title: str = ""
    spouse_in_registry: str = ""  # name of a spouse who is also a cadre
    extra: dict = field(default_factory=dict, compare=False)


# Who is meant by each edge case, so tests and demos can find them.
EDGE_CASES = {
    "age_39_on_the_day": "王晓峰",  # turns 40 the day after the demo is seeded (R-ELIG-5)
    "age_40_on_the_day": "赵秀英",  # turns 40 on the day the demo is seeded
    "deputy_11_months": "顾晨",  # R-ELIG-1: not yet a year in a deputy post
    "basic_competent_2025": "胡志刚",  # R-INS-2 ③
    "demerit_in_effect": "邓文博",  # 政务记过 still in effect (R-INS-9)
    "couple": ("许建平", "林晓燕"),  # spouses, both in the bureau (R-KIN-1)
    "six_years_in_post": "钱玉兰",  # rotation due (R-REQ-2)
    "overdue_rotation": "方卫红",  # more than ten years in one post
    "full_chief_quota": CENTER,  # 4 chief posts approved, 4 held
}


def middle_level() -> list["DemoCadre"]:
    return [
        # The bureau: five of six chief posts held (基金监管科科长 is vacant), five of six deputy posts.
        DemoCadre(
            "沈国良",
            Sex.MALE,
            date(1978, 3, 12),
            BUREAU,
            "办公室",
            (
                Holding("办公室", Rank.DEPUTY, BUREAU_FOUNDED, date(2022, 6, 10)),
                Holding("办公室", Rank.CHIEF, date(2022, 6, 10)),
            ),
        ),
        DemoCadre(
            "钱玉兰",
            Sex.FEMALE,
            date(1980, 7, 8),
            BUREAU,
            "组织人事科",
            (Holding("组织人事科", Rank.CHIEF, date(2020, 9, 1)),),
            professional_title="经济师",
        ),
        DemoCadre(
            "蒋文斌",
            Sex.MALE,
            date(1976, 10, 2),
            BUREAU,
            "规划财务和法规科",
            (Holding("规划财务和法规科", Rank.CHIEF, BUREAU_FOUNDED),),
            professional_title="高级会计师",
        ),
        DemoCadre(
            "韩志军",
            Sex.MALE,
            date(1982, 1, 25),
            BUREAU,
            "待遇保障科",
            (
                Holding("待遇保障科", Rank.DEPUTY, BUREAU_FOUNDED, date(2023, 2, 1)),
                Holding("待遇保障科", Rank.CHIEF, date(2023, 2, 1)),
            ),
        ),
        DemoCadre(
            "许建平",
            Sex.MALE,
            date(1979, 5, 17),
            BUREAU,
            "医药服务管理科",
            (Holding("医药服务管理科", Rank.CHIEF, date(2021, 11, 1)),),
            professional_title="主管药师",
            spouse_in_registry="林晓燕",
        ),
        DemoCadre(
            "曹丽萍",
            Sex.FEMALE,
            date(1988, 4, 9),
            BUREAU,
            "办公室",
            (
                Holding(
                    "办公室",
                    Rank.DEPUTY,
                    date(2022, 6, 10),
                    probation_ends_on=date(2023, 6, 9),
                    probation_result="passed",
                ),
            ),
        ),
        DemoCadre(
            "潘宇",
            Sex.MALE,
            date(1990, 12, 3),
            BUREAU,
            "规划财务和法规科",
            (
                Holding(
                    "规划财务和法规科",
                    Rank.DEPUTY,
                    date(2024, 1, 5),
                    probation_ends_on=date(2025, 1, 4),
                    probation_result="passed",
                ),
            ),
            professional_title="会计师",
        ),
        DemoCadre(
            "顾晨",
            Sex.MALE,
            date(1989, 8, 21),
            BUREAU,
            "待遇保障科",
            (
                Holding(
                    "待遇保障科",
                    Rank.DEPUTY,
                    add_months(demo_today(), -11),
                    probation_ends_on=add_months(demo_today(), 1) - timedelta(days=1),
                    probation_result="pending",
                ),
            ),
        ),
        DemoCadre(
            "邵佳怡",
            Sex.FEMALE,
            date(1991, 2, 14),
            BUREAU,
            "医药服务管理科",
            (
                Holding(
                    "医药服务管理科",
                    Rank.DEPUTY,
                    date(2023, 2, 1),
                    probation_ends_on=date(2024, 1, 31),
                    probation_result="passed",
                ),
            ),
        ),
        DemoCadre(
            "汪海波",
            Sex.MALE,
            date(1985, 6, 30),
            BUREAU,
            "基金监管科",
            (
                Holding(
                    "基金监管科",
                    Rank.DEPUTY,
                    date(2021, 3, 1),
                    probation_ends_on=date(2022, 2, 28),
                    probation_result="passed",
                ),
            ),
        ),
        # The 医保中心: all four chief posts held, two of four deputy posts.
        DemoCadre(
            "方卫红",
            Sex.FEMALE,
            date(1975, 9, 18),
            CENTER,
            "综合科",
            (Holding("综合科", Rank.CHIEF, date(2015, 3, 20)),),
        ),
        DemoCadre(
            "戴明辉",
            Sex.MALE,
            date(1981, 11, 11),
            CENTER,
            "征缴稽核科",
            (Holding("征缴稽核科", Rank.CHIEF, date(2019, 6, 1)),),
            professional_title="审计师",
        ),
        DemoCadre(
            "姚建峰",
            Sex.MALE,
            date(1983, 4, 27),
            CENTER,
            "待遇审核科",
            (Holding("待遇审核科", Rank.CHIEF, date(2022, 9, 1)),),
            professional_title="主治医师",
        ),
        DemoCadre(
            "程雅琴",
            Sex.FEMALE,
            date(1984, 12, 19),
            CENTER,
            "医疗费用结算科",
            (
                Holding("医疗费用结算科", Rank.DEPUTY, date(2019, 6, 1), date(2024, 3, 1)),
                Holding("医疗费用结算科", Rank.CHIEF, date(2024, 3, 1)),
            ),
        ),
        DemoCadre(
            "鲁振华",
            Sex.MALE,
            date(1987, 7, 7),
            CENTER,
            "征缴稽核科",
            (
                Holding(
                    "征缴稽核科",
                    Rank.DEPUTY,
                    date(2022, 9, 1),
                    probation_ends_on=date(2023, 8, 31),
                    probation_result="passed",
                ),
            ),
        ),
        DemoCadre(
            "魏婷",
            Sex.FEMALE,
            date(1992, 5, 5),
            CENTER,
            "医疗费用结算科",
            (
                Holding(
                    "医疗费用结算科",
                    Rank.DEPUTY,
                    date(2024, 3, 1),
                    probation_ends_on=date(2025, 2, 28),
                    probation_result="passed",
                ),
            ),
        ),
    ]


_FEMALE_GIVEN = {
    "秀英",
    "佳琪",
    "婷婷",
    "丽娟",
    "雪梅",
    "春燕",
    "静怡",
    "慧敏",
    "美玲",
    "丽",
    "敏",
    "晓燕",
}
_SCHOOLS = [
    "浙江大学",
    "浙江工业大学",
    "浙江财经大学",
    "杭州师范大学",
    "浙江中医药大学",
    "湖州师范学院",
    "宁波大学",
    "温州医科大学",
]
_MAJORS = [
    ("公共事业管理", "管理学学士"),
    ("会计学", "管理学学士"),
    ("财政学", "经济学学士"),
    ("法学", "法学学士"),
    ("药学", "理学学士"),
    ("行政管理", "管理学学士"),
    ("计算机科学与技术", "工学学士"),
    ("保险学", "经济学学士"),
    ("汉语言文学", "文学学士"),
    ("临床医学", "医学学士"),
]
_SPOUSE_UNITS = [
    "安吉县人民医院护士",
    "安吉县递铺街道办事处科员",
    "安吉县第二中学教师",
    "浙江安吉农村商业银行职员",
    "安吉县财政局科员",
    "安吉县中医医院医生",
    "个体经营",
    "安吉县市场监督管理局科员",
]
_SURNAMES_FAMILY = "王李张刘陈杨吴周徐孙朱胡林何郭罗高郑梁谢"
_GIVEN_MALE = ["建国", "国强", "志明", "卫东", "德明", "晨阳", "浩然", "宇轩", "俊杰", "明轩"]
_GIVEN_FEMALE = ["秀兰", "桂英", "玉珍", "丽华", "雨桐", "欣怡", "梓涵", "诗琪", "晓红", "雅静"]


def general_staff() -> list[DemoCadre]:
    """The other cadres (一般干部): the forty staff accounts, the two HR officers and a few more."""
    rng = random.Random(2026)
    today = demo_today()
    people = [(a.full_name, a.organization) for a in staff_accounts()]
    people += [("孙丽", BUREAU), ("赵敏", BUREAU), ("林晓燕", BUREAU), ("陆一鸣", CENTER)]
    departments = {BUREAU: BUREAU_DEPARTMENTS, CENTER: CENTER_DEPARTMENTS}
    turn = {BUREAU: 0, CENTER: 0}
    cadres = []
    for name, org in people:
        given = name[1:]
        sex = Sex.FEMALE if given in _FEMALE_GIVEN else Sex.MALE
        birth = date(rng.randint(1972, 2000), rng.randint(1, 12), rng.randint(1, 28))
        department = departments[org][turn[org] % len(departments[org])]
        turn[org] += 1
        if name in ("孙丽", "赵敏"):
            department = "组织人事科"
        if name == "林晓燕":
            department, birth = "待遇保障科", date(1981, 3, 22)
        sanctions: tuple[tuple[str, date, str], ...] = ()
        if name == EDGE_CASES["age_39_on_the_day"]:
            birth = years_before(today + timedelta(days=1), 40)
        elif name == EDGE_CASES["age_40_on_the_day"]:
            birth = years_before(today, 40)
        elif name == EDGE_CASES["demerit_in_effect"]:
            demerit_on = add_months(today, -7)
            sanctions = ((SanctionType.DEMERIT, demerit_on, f"安医保〔{demerit_on.year}〕12号"),)
        elif name == "袁婷婷":  # an admonition whose six months have run out
            sanctions = ((SanctionType.ADMONITION, date(2024, 5, 10), "安医保党〔2024〕3号"),)
        cadres.append(
            DemoCadre(
                name,
                sex,
                birth,
                org,
                department,
                low_assessment_2025=name == EDGE_CASES["basic_competent_2025"],
                sanctions=sanctions,
                spouse_in_registry="许建平" if name == "林晓燕" else "",
            )
        )
    return cadres


def demo_cadres() -> list[DemoCadre]:
    return middle_level() + general_staff()


def demo_id_number(index: int, person: DemoCadre) -> str:
    serial = index * 2 + (1 if person.sex == Sex.MALE else 2)  # odd for men, even for women
    body = f"{REGION_CODE}{person.birth_date:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "?")  # stdnum wants a placeholder in the check position


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    """Create the row, or update it only when a value differs (no empty history entries)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def _sync(
    queryset: models.QuerySet,
    model: type[models.Model],
    rows: list[dict],
    fields: list[str],
    *,
    replace=None,
    **parent,
) -> None:
    """Make the related rows equal to `rows`; an unchanged section is left alone. `replace(old, new)`
    writes a changed section when a service owns those rows (the post holdings)."""

    def key(value) -> str:
        return str(value.pk if isinstance(value, models.Model) else value)

    current = sorted(tuple(key(v) for v in row) for row in queryset.values_list(*fields))
    wanted = sorted(tuple(key(row[f]) for f in fields) for row in rows)
    if current == wanted:
        return
    if replace is not None:
        replace(list(queryset), [model(**parent, **row) for row in rows])
        return
    for obj in queryset:
        obj.delete()
    for row in rows:
        model.objects.create(**parent, **row)


def seed_posts(orgs: dict[str, Organization]) -> dict[tuple[str, str], Post]:
    """A chief and a deputy post for every department, and the quotas (核定职数)."""
    posts = {}
    for org_name, departments in ((BUREAU, BUREAU_DEPARTMENTS), (CENTER, CENTER_DEPARTMENTS)):
        org = orgs[org_name]
        for order, name in enumerate(departments, start=1):
            department = Department.objects.get(organization=org, name=name)
            titles = OFFICE_TITLES if name == "办公室" else POST_TITLES
            for rank, title in titles.items():
                posts[name, rank] = _upsert(
                    Post,
                    {"organization": org, "department": department, "title": title},
                    {"rank": rank, "is_leadership": True, "order": order * 2 + (rank == Rank.DEPUTY)},
                )
    for (org_name, rank), approved in QUOTAS.items():
        _upsert(Quota, {"organization": orgs[org_name], "rank": rank}, {"approved": approved})
    return posts


def _education(index: int, person: DemoCadre, work_started: date) -> list[dict]:
    school = _SCHOOLS[index % len(_SCHOOLS)]
    major, degree = _MAJORS[index % len(_MAJORS)]
    graduated = date(work_started.year, 6, 30)
    if index % 7 == 0:
        return [
            {
                "kind": EducationRecord.Kind.FULL_TIME,
                "level": EducationLevel.POSTGRADUATE,
                "degree": degree.replace("学士", "硕士"),
                "school_and_major": f"{school}{major}专业",
                "graduated_on": graduated,
            }
        ]
    if index % 5 == 1:
        return [
            {
                "kind": EducationRecord.Kind.FULL_TIME,
                "level": EducationLevel.COLLEGE,
                "degree": "",
                "school_and_major": f"浙江经贸职业技术学院{major}专业",
                "graduated_on": graduated,
            },
            {
                "kind": EducationRecord.Kind.IN_SERVICE,
                "level": EducationLevel.UNDERGRADUATE,
                "degree": "",
                "school_and_major": "中央党校函授学院经济管理专业",
                "graduated_on": date(work_started.year + 4, 12, 31),
            },
        ]
    return [
        {
            "kind": EducationRecord.Kind.FULL_TIME,
            "level": EducationLevel.UNDERGRADUATE,
            "degree": degree,
            "school_and_major": f"{school}{major}专业",
            "graduated_on": graduated,
        }
    ]


def _work_started(index: int, person: DemoCadre) -> date:
    years = 25 if index % 7 == 0 else (21 if index % 5 == 1 else 22)
    return date(person.birth_date.year + years, 7 + index % 2, 1)


def _resume(person: DemoCadre, education: list[dict], work_started: date, posts: dict) -> list[dict]:
    """A continuous résumé: study, the 人社局 years before 2019, then the bureau or centre."""
    org = ORG_NAMES[person.org]
    first = education[0]
    years = {EducationLevel.POSTGRADUATE: 7, EducationLevel.COLLEGE: 3}.get(first["level"], 4)
    stages: list[tuple[date, str]] = [
        (date(work_started.year - years, 9, 1), f"{first['school_and_major'].replace('专业', '')}专业学习")
    ]
    former = "安吉县人力资源和社会保障局" if person.org == BUREAU else "安吉县社会保险事业管理中心"
    if work_started < BUREAU_FOUNDED:
        stages.append((work_started, f"{former}科员"))
        stages.append((BUREAU_FOUNDED, f"{org}{person.department}科员"))
    else:
        stages.append((work_started, f"{org}{person.department}科员"))
    for holding in person.holdings:
        post = posts[holding.department, holding.rank]
        stages = [s for s in stages if s[0] < holding.started_on]
        if holding.started_on < BUREAU_FOUNDED:  # the post under the old institution's name
            stages.append((holding.started_on, f"{former}{holding.department}{post.title}"))
            if holding.ended_on is None or holding.ended_on > BUREAU_FOUNDED:
                stages.append((BUREAU_FOUNDED, f"{org}{holding.department}{post.title}"))
        else:
            stages.append((holding.started_on, f"{org}{holding.department}{post.title}"))
    rows = []
    for order, (start, text) in enumerate(stages, start=1):
        end = stages[order][0] if order < len(stages) else None
        rows.append({"order": order, "started_on": start, "ended_on": end, "text": text, "is_note": False})
    if len(education) > 1:
        # The in-service study goes on its own line after the entry it happened during.
        done = education[1]["graduated_on"]
        during = max(i for i, row in enumerate(rows) if row["started_on"] <= done)
        note = {
            "started_on": None,
            "ended_on": None,
            "text": f"（其间：{done.year - 3}.03--{done.year}.12参加中央党校函授学院经济管理专业本科学习）",
            "is_note": True,
        }
        rows.insert(during + 1, note)
        for order, row in enumerate(rows, start=1):
            row["order"] = order
    return rows


def _family(
    index: int, person: DemoCadre, age: int, spouse: DemoCadre | None, spouse_unit: str
) -> list[dict]:
    rng = random.Random(f"family-{person.name}")
    surname = _SURNAMES_FAMILY[index % len(_SURNAMES_FAMILY)]
    rows = []
    if spouse is not None:  # the spouse is a cadre too: the same person on both records
        rows.append(
            {
                "relation": "妻子" if spouse.sex == Sex.FEMALE else "丈夫",
                "name": spouse.name,
                "birth_date": date(spouse.birth_date.year, spouse.birth_date.month, 1),
                "political_status": PoliticalStatus.CPC,
                "unit_and_post": spouse_unit,
                "deceased": False,
            }
        )
    elif age >= 27:
        is_wife = person.sex == Sex.MALE
        rows.append(
            {
                "relation": "妻子" if is_wife else "丈夫",
                "name": surname + rng.choice(_GIVEN_FEMALE if is_wife else _GIVEN_MALE),
                "birth_date": date(person.birth_date.year + rng.randint(-2, 2), rng.randint(1, 12), 1),
                "political_status": PoliticalStatus.CPC if index % 3 == 0 else PoliticalStatus.MASSES,
                "unit_and_post": _SPOUSE_UNITS[index % len(_SPOUSE_UNITS)],
                "deceased": False,
            }
        )
    if age >= 31:
        # A couple's child is the same child on both records: named and dated from the husband.
        father = person if spouse is None or person.sex == Sex.MALE else spouse
        child_rng = random.Random(f"child-{father.name}")
        son = child_rng.random() < 0.5
        child_birth = date(father.birth_date.year + 29, child_rng.randint(1, 12), 1)
        child_age = demo_today().year - child_birth.year
        school = (
            "安吉县实验小学学生"
            if child_age < 12
            else ("安吉县昌硕高级中学学生" if child_age < 18 else "浙江工业大学学生")
        )
        rows.append(
            {
                "relation": "儿子" if son else "女儿",
                "name": father.name[0] + child_rng.choice(_GIVEN_MALE if son else _GIVEN_FEMALE),
                "birth_date": child_birth,
                "political_status": PoliticalStatus.CYL if 14 <= child_age <= 28 else PoliticalStatus.MASSES,
                "unit_and_post": school,
                "deceased": False,
            }
        )
    rows.append(
        {
            "relation": "父亲",
            "name": person.name[0] + rng.choice(_GIVEN_MALE),
            "birth_date": date(person.birth_date.year - 27, rng.randint(1, 12), 1),
            "political_status": PoliticalStatus.CPC if index % 4 == 0 else PoliticalStatus.MASSES,
            "unit_and_post": "安吉县某某镇退休干部" if index % 4 == 0 else "务农",
            "deceased": age >= 50,
        }
    )
    rows.append(
        {
            "relation": "母亲",
            "name": "钱" + rng.choice(_GIVEN_FEMALE),
            "birth_date": date(person.birth_date.year - 25, rng.randint(1, 12), 1),
            "political_status": PoliticalStatus.MASSES,
            "unit_and_post": "退休" if index % 3 else "务农",
            "deceased": False,
        }
    )
    for order, row in enumerate(rows, start=1):
        row["order"] = order
    return rows


def _assessments(index: int, person: DemoCadre, work_started: date) -> list[dict]:
    center = person.org == CENTER
    rows = []
    for year in range(max(2021, work_started.year), demo_today().year):
        if year == work_started.year:  # joined during the year: not graded
            result = AssessmentResult.UNRATED
        elif person.low_assessment_2025 and year == demo_today().year - 1:  # last year's (R-INS-2 ③)
            result = AssessmentResult.BASIC
        elif (index + year) % 5 == 0:
            result = AssessmentResult.EXCELLENT
        else:
            result = AssessmentResult.QUALIFIED if center else AssessmentResult.COMPETENT
        rows.append({"year": year, "result": result})
    return rows


def seed_registry(orgs: dict[str, Organization]) -> list[Cadre]:
    """Posts, quotas and about sixty cadres with full records, including the rules' edge cases."""
    posts = seed_posts(orgs)
    people = demo_cadres()
    by_name = {p.name: p for p in people}
    cadres = []
    for index, person in enumerate(people):
        org = orgs[person.org]
        work_started = _work_started(index, person)
        education = _education(index, person, work_started)
        party = (index % 9 != 4 and index % 6 != 5) or bool(person.spouse_in_registry)
        rewards = "无"
        if any(kind == SanctionType.DEMERIT for kind, _, _ in person.sanctions):
            rewards = f"{add_months(demo_today(), -7).year}年{add_months(demo_today(), -7).month}月受到政务记过处分。"
        elif index % 6 == 0:
            rewards = f"{2020 + index % 5}年被评为安吉县医疗保障系统先进工作者。"
        cadre = _upsert(
            Cadre,
            {"id_number": demo_id_number(index, person)},
            {
                "organization": org,
                "department": Department.objects.get(organization=org, name=person.department),
                "name": person.name,
                "sex": person.sex,
                "birth_date": person.birth_date,
                "ethnicity": "汉族" if index % 17 != 8 else "畲族",
                "native_place": "浙江安吉" if index % 4 else "浙江长兴",
                "birthplace": "浙江安吉" if index % 4 else "浙江长兴",
                "party_joined_on": date(work_started.year + 1, 6, 1) if party else None,
                "party_note": "" if party else ("九三学社" if index % 9 == 4 else ""),
                "work_started_on": work_started,
                "health": "健康",
                "professional_title": person.professional_title,
                "expertise": "医疗保障政策" if index % 3 == 0 else "",
                "rewards_and_punishments": rewards,
                "is_active": True,
            },
        )
        cadres.append(cadre)
        holding_rows = [
            {
                "post": posts[h.department, h.rank],
                "started_on": h.started_on,
                "ended_on": h.ended_on,
                "how": PostHolding.How.PROMOTION,
                "probation_ends_on": h.probation_ends_on,
                "probation_result": h.probation_result,
            }
            for h in person.holdings
        ]
        # A demo case may have appointed this cadre since: their post history and the résumé lines the
        # appointment appended are then the case's to keep.
        appointed_by_a_case = cadre.candidacies.filter(appointment__isnull=False).exists()
        if not appointed_by_a_case:
            _sync(
                cadre.holdings.all(),
                PostHolding,
                holding_rows,
                ["post", "started_on", "ended_on", "probation_ends_on", "probation_result"],
                # through the register's one writer, so R-REG-1..3 hold for the demo too
                replace=lambda old, new: apply_holdings(new, old, reason="演示数据"),
                cadre=cadre,
            )
        _sync(
            cadre.education.all(),
            EducationRecord,
            education,
            ["kind", "level", "degree", "school_and_major", "graduated_on"],
            cadre=cadre,
        )
        if not appointed_by_a_case:
            _sync(
                cadre.resume.all(),
                ResumeEntry,
                _resume(person, education, work_started, posts),
                ["order", "started_on", "ended_on", "text", "is_note"],
                cadre=cadre,
            )
        spouse_unit, spouse = "", None
        if person.spouse_in_registry:
            spouse = by_name[person.spouse_in_registry]
            held = [h for h in spouse.holdings if h.ended_on is None]
            title = posts[held[0].department, held[0].rank].title if held else "科员"
            spouse_unit = f"{ORG_NAMES[spouse.org]}{spouse.department}{title}"
        age = demo_today().year - person.birth_date.year
        _sync(
            cadre.family.all(),
            FamilyMember,
            _family(index, person, age, spouse, spouse_unit),
            ["order", "relation", "name", "birth_date", "political_status", "unit_and_post", "deceased"],
            cadre=cadre,
        )
        _sync(
            cadre.assessments.all(),
            AnnualAssessment,
            _assessments(index, person, work_started),
            ["year", "result"],
            cadre=cadre,
        )
        sanction_rows = [{"kind": k, "effective_on": d, "document": doc} for k, d, doc in person.sanctions]
        _sync(
            cadre.sanctions.all(), Sanction, sanction_rows, ["kind", "effective_on", "document"], cadre=cadre
        )
    names = {c.name: c for c in cadres}
    husband, wife = (names[n] for n in EDGE_CASES["couple"])
    low, high = sorted([husband, wife], key=lambda c: c.pk)
    _upsert(
        Kinship,
        {"cadre": low, "other": high},
        {"category": Kinship.Category.SPOUSE, "adoptive_or_step": False, "description": "夫妻"},
    )
    return cadres
