"""The demo's organizations, accounts and the names its people are drawn from."""

from dataclasses import dataclass

from accounts.roles import Role

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
