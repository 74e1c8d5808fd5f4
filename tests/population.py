"""A varied registry for counting tests: every dimension and every alert has members and non-members.

Deterministic (seeded); built with the factories, so every row passes the models' rules. The tests count
over it by hand (model methods, Python) and compare with the database-side counts.
"""

import random
from datetime import date, timedelta

from selection.models import EducationLevel, EducationRecord, PostHolding, Rank, Sex
from selection.rules import SanctionType, add_months

from .factories import (
    CadreFactory,
    DepartmentFactory,
    EducationRecordFactory,
    PostFactory,
    PostHoldingFactory,
    SanctionFactory,
    id_number_for,
)

ETHNICITIES = ["汉族", "汉族", "汉族", "畲族", "回族"]
PARTY_NOTES = ["", "", "民建", "无党派", "九三学社"]


def populate(org, today: date, count: int = 40, seed: int = 15) -> list:
    rng = random.Random(seed)
    departments = [
        DepartmentFactory(organization=org, name=name) for name in ("办公室", "待遇保障科", "基金监管科")
    ]
    cadres = []
    for index in range(count):
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        # Birth years near the retirement years (60 / 55 this year and next) are over-represented.
        year = rng.choice([1966, 1967, 1971, 1972, rng.randint(1962, 2001)])
        birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
        if index % 7 == 0:  # a birthday on today's date or the day after: the age band edges
            birth = date(year, today.month, today.day) + timedelta(days=index % 2)
        joined = birth.replace(year=birth.year + 23) if rng.random() < 0.6 else None
        cadre = CadreFactory(
            organization=org,
            department=rng.choice([*departments, None]),
            sex=sex,
            birth_date=birth,
            id_number=id_number_for(birth, sex, index),
            ethnicity=rng.choice(ETHNICITIES),
            party_joined_on=joined,
            party_note="" if joined else rng.choice(PARTY_NOTES),
            work_started_on=date(birth.year + 22, 7, 1),
            is_active=index % 13 != 5,
        )
        cadres.append(cadre)
        for kind in (EducationRecord.Kind.FULL_TIME, EducationRecord.Kind.IN_SERVICE):
            if rng.random() < 0.7:
                for _ in range(rng.randint(1, 2)):
                    EducationRecordFactory(cadre=cadre, kind=kind, level=rng.choice(list(EducationLevel)))
        if rng.random() < 0.6:
            rank = rng.choice([Rank.CHIEF, Rank.DEPUTY])
            post = PostFactory(organization=org, department=rng.choice(departments), rank=rank)
            start = today - timedelta(days=rng.choice([100, 400, 1500, 1826, 1827, 2500, 3652, 3653, 4000]))
            if rng.random() < 0.3:  # an earlier post at the same rank, ended
                earlier = PostFactory(organization=org, department=rng.choice(departments), rank=rank)
                PostHoldingFactory(
                    cadre=cadre, post=earlier, started_on=start - timedelta(days=900), ended_on=start
                )
            probation = rng.random() < 0.4
            ends = add_months(today, rng.choice([-1, 0, 0, 1, 1, 2])).replace(day=rng.randint(1, 28))
            PostHoldingFactory(
                cadre=cadre,
                post=post,
                started_on=start,
                probation_ends_on=ends if probation else None,
                probation_result=PostHolding.Probation.PENDING if probation else PostHolding.Probation.NONE,
            )
        if rng.random() < 0.35:
            kind = rng.choice([SanctionType.ADMONITION, SanctionType.DEMERIT, SanctionType.REMOVAL_FROM_POST])
            months = {
                SanctionType.ADMONITION: 6,
                SanctionType.DEMERIT: 12,
                SanctionType.REMOVAL_FROM_POST: 24,
            }[kind]
            effective = add_months(today, -months) + timedelta(days=rng.choice([-3, 0, 1, 20, 40, 90]))
            SanctionFactory(cadre=cadre, kind=kind, effective_on=min(effective, today))
    return cadres
