"""Writing the demo's people to the register: posts, cadres, education, résumé, family, assessments."""

import random
from datetime import date

from django.db import models

from ..models import (
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
from ..rules import SanctionType, add_months
from ..services.registry import apply_holdings
from .common import BUREAU, BUREAU_DEPARTMENTS, CENTER, CENTER_DEPARTMENTS
from .people import (
    _GIVEN_FEMALE,
    _GIVEN_MALE,
    _MAJORS,
    _SCHOOLS,
    _SPOUSE_UNITS,
    _SURNAMES_FAMILY,
    BUREAU_FOUNDED,
    EDGE_CASES,
    OFFICE_TITLES,
    ORG_NAMES,
    POST_TITLES,
    QUOTAS,
    DemoCadre,
    demo_cadres,
    demo_id_number,
    demo_today,
)


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
