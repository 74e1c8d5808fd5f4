"""The demo's people: who holds which post since when, and the edge cases the rules care about."""

import random
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from stdnum.cn import ric

from ..models import (
    Rank,
    Sex,
)
from ..rules import SanctionType, add_months
from .common import BUREAU, BUREAU_DEPARTMENTS, CENTER, CENTER_DEPARTMENTS, staff_accounts

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
