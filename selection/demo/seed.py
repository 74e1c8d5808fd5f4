"""seed_demo: organizations, accounts, the register, the calendar, then the cases built on them."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import ALL_GROUP_NAMES, Role

from ..models import (
    Department,
    Organization,
)
from .common import (
    BUREAU,
    BUREAU_DEPARTMENTS,
    CENTER,
    CENTER_DEPARTMENTS,
    DEMO_PASSWORD,
    OFFICERS,
    PARTY_GROUP,
    DemoAccount,
    staff_accounts,
)
from .people import demo_today, seeding_today
from .registry import seed_registry


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
        from ..demo_cases import seed_cases  # here: demo_cases builds on this module's constants

        seed_cases()
        from ..demo_voting import seed_voting  # after the cases: it votes in them

        seed_voting()
        from ..demo_competitive import seed_competitive  # 竞争上岗 standing at 笔试面试

        seed_competitive()
        from ..demo_bureau import seed_bureau  # 试用期, 医保中心 case, 一报告两评议 (issue 14)

        seed_bureau()
    return accounts


# The demo's notices run within a few weeks of the day it is seeded. When those days fall in a year that
# neither chinese_calendar nor an administrator covers, the demo enters the fixed-date holidays only, marked
# as demo data, so that it runs on any day; an office enters the real notice on the 节假日安排 page.
DEMO_CALENDAR_NOTICE = "一、元旦：1月1日放假，共1天。\n四、劳动节：5月1日至5日放假，共5天。\n七、国庆节：10月1日至7日放假，共7天。"
DEMO_CALENDAR_SOURCE = "演示数据（仅含公历节日，非国务院通知）：正式使用前请按国务院办公厅通知重新录入"


def seed_calendar() -> None:
    from ..services.calendar import covered_years, save_schedule

    today = demo_today()
    needed = {(today - timedelta(days=30)).year, (today + timedelta(days=14)).year}
    for year in sorted(needed - covered_years()):
        save_schedule(None, year, DEMO_CALENDAR_NOTICE, DEMO_CALENDAR_SOURCE)
