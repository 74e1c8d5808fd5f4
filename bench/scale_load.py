"""Bulk loading for the scale benchmark (bench/bench_scale.py): one organization with `cadres` cadres and
`cadres / 5` cases in all (45 % open), two candidates and three hash-chained record events a case, one
of them at 考察 with 10 candidates for the case-file export. `cadres / 5` is a whole number of list pages
at every size, so the lists' last pages are full at 1k as at 100k. bulk_create in batches: minutes.
"""

import random
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from selection.models import (
    Cadre,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Department,
    EducationLevel,
    EducationRecord,
    Organization,
    Post,
    PostHolding,
    RecordEvent,
    SelectionCase,
    Vacancy,
)
from selection.models.cadre import search_keys
from selection.models.post import Rank
from selection.models.record import GENESIS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红文辉建国志新宇浩鹏晓东海燕春梅林峰云飞雪琳"
OPEN_STATES = [
    CaseStatus.MOTION,
    CaseStatus.RECOMMENDATION,
    CaseStatus.INSPECTION,
    CaseStatus.DECISION,
    CaseStatus.PUBLIC_NOTICE,
]
BATCH = 5000
PASSWORD = "bench-Pass-2026"


def _user(username: str, name: str, org, *roles: Role, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username,
        password=PASSWORD,
        full_name=name,
        organization=org,
        is_superuser=superuser,
        is_staff=superuser,
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role.group_name)[0])
    return user


def _event(
    case_id: int, seq: int, prev: str, at, actor: User, action: str, summary: str, to: str
) -> RecordEvent:
    event = RecordEvent(
        case_id=case_id,
        seq=seq,
        actor=actor,
        actor_name=actor.get_full_name(),
        at=at,
        ip="10.0.0.8",
        action=action,
        summary=summary,
        to_state=to,
        prev_hash=prev,
    )
    event.hash = event.compute_hash()
    return event


def _registry_facts(org, departments, cadre_ids: list[int], today: date) -> None:
    """What the register's pages read (issue 15): education for everyone, one cadre in ten in a post
    (started 0–15 years ago, some on probation ending soon), half of them with an earlier post."""
    levels = list(EducationLevel)
    education = [
        EducationRecord(cadre_id=pk, kind=EducationRecord.Kind.FULL_TIME, level=levels[i % len(levels)])
        for i, pk in enumerate(cadre_ids)
    ] + [
        EducationRecord(cadre_id=pk, kind=EducationRecord.Kind.IN_SERVICE, level=levels[i % 3])
        for i, pk in enumerate(cadre_ids[::3])
    ]
    for start in range(0, len(education), BATCH):
        EducationRecord.objects.bulk_create(education[start : start + BATCH])
    holders = max(100, len(cadre_ids) // 10)
    per_department = holders // len(departments)
    posts = Post.objects.bulk_create(
        Post(
            organization=org,
            department=d,
            title=f"{'科长' if k % 2 else '副科长'}{k}",
            rank=rank,
            order=10 + k,
        )
        for d in departments
        for k in range(per_department)
        for rank in ((Rank.CHIEF if k % 2 else Rank.DEPUTY),)
    )
    step = len(cadre_ids) // len(posts)
    holdings = []
    for k, post in enumerate(posts):
        cadre_id = cadre_ids[k * step]
        started = today - timedelta(days=(k * 53) % 5500)
        if k % 2:
            holdings.append(
                PostHolding(
                    cadre_id=cadre_id,
                    post=posts[k - 1],
                    started_on=started - timedelta(days=1200),
                    ended_on=started,
                )
            )
        # one in ten on probation, and the first 60 too: at every size the probation lists fill a page
        pending = k % 10 == 0 or k < 60
        holdings.append(
            PostHolding(
                cadre_id=cadre_id,
                post=post,
                started_on=started,
                probation_ends_on=today + timedelta(days=k % 60) if pending else None,
                probation_result=PostHolding.Probation.PENDING if pending else PostHolding.Probation.NONE,
            )
        )
    for start in range(0, len(holdings), BATCH):
        PostHolding.objects.bulk_create(holdings[start : start + BATCH])


def load(cadres: int, seed: int = 11) -> dict:
    """Fill an empty, migrated database; returns the objects the benchmark's URLs need."""
    rng = random.Random(seed)
    cases = max(10, cadres // 5) - 1  # and the case at 考察 below
    with transaction.atomic():
        org = Organization.objects.create(name="浙江省某某厅（压力测试）", short_name="某某厅")
        hr = _user("bench_hr", "孙丽", org, Role.HR)
        secretary = _user("bench_secretary", "王建国", org, Role.SECRETARY, Role.PARTY_MEMBER)
        auditor = _user("bench_auditor", "冯静", org, Role.AUDITOR)
        admin = _user("bench_admin", "管理员", None, Role.ADMIN, superuser=True)
        departments = Department.objects.bulk_create(
            Department(organization=org, name=f"第{i + 1}处", order=i) for i in range(50)
        )
        posts = Post.objects.bulk_create(
            Post(organization=org, department=d, title=title, rank=rank, order=k)
            for d in departments
            for k, (title, rank) in enumerate((("处长", Rank.CHIEF), ("副处长", Rank.DEPUTY)))
        )
        today = date(2026, 11, 26)
        rows = []
        keys: dict[str, tuple[str, str]] = {}  # the search keys Cadre.save() would set (bulk_create skips it)
        for i in range(cadres):
            born = date(1966 + i % 30, 1 + i % 12, 1 + i % 28)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            if name not in keys:
                keys[name] = search_keys(name)
            rows.append(
                Cadre(
                    organization=org,
                    department=departments[i % len(departments)],
                    department_order=departments[i % len(departments)].order,  # what save() would set
                    name=name,
                    name_pinyin=keys[name][0],
                    name_initials=keys[name][1],
                    sex="M" if i % 2 else "F",
                    birth_date=born,
                    id_number=f"{330000 + i // 1000:06d}{born:%Y%m%d}{i % 1000:03d}{i % 10}",
                    native_place="浙江杭州",
                    birthplace="浙江杭州",
                    work_started_on=date(born.year + 22, 7, 1),
                )
            )
            if len(rows) == BATCH:
                Cadre.objects.bulk_create(rows)
                rows = []
        Cadre.objects.bulk_create(rows)
        cadre_ids = list(Cadre.objects.order_by("pk").values_list("pk", flat=True))
        _registry_facts(org, departments, cadre_ids, today)

        now = timezone.now()
        case_rows = []
        for i in range(cases):
            status = (
                OPEN_STATES[i % 5]
                if i % 20 < 9
                else (CaseStatus.APPOINTED if i % 2 else CaseStatus.TERMINATED)
            )
            case_rows.append(
                SelectionCase(
                    organization=org,
                    title=f"{2020 + i % 7}年第{i + 1}批中层干部选拔任用",
                    year=2020 + i % 7,
                    status=status,
                    motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
                    motion_date=today - timedelta(days=i % 700),
                    motion_analysis="岗位空缺，经分析研判拟通过日常选拔任用程序补充。",
                    created_by=hr,
                    last_step_at=now - timedelta(days=i % 700) + timedelta(hours=3),  # the 3rd event below
                )
            )
        for start in range(0, len(case_rows), BATCH):
            SelectionCase.objects.bulk_create(case_rows[start : start + BATCH])
        with connection.cursor() as cursor:  # spread the creation times (newest = highest id)
            cursor.execute(
                "UPDATE selection_selectioncase SET created_at = %s - (%s - id) * interval '37 minutes'",
                [now, cases + 10],
            )
        case_ids = list(SelectionCase.objects.order_by("pk").values_list("pk", "status"))
        vacancies = [Vacancy(case_id=pk, post=posts[i % len(posts)]) for i, (pk, _) in enumerate(case_ids)]
        for start in range(0, len(vacancies), BATCH):
            Vacancy.objects.bulk_create(vacancies[start : start + BATCH])
        vacancy_of = dict(Vacancy.objects.values_list("case_id", "pk"))
        candidates, events = [], []
        for i, (pk, status) in enumerate(case_ids):
            state = {
                CaseStatus.MOTION: None,
                CaseStatus.RECOMMENDATION: CandidateStatus.NOMINATED,
                CaseStatus.APPOINTED: CandidateStatus.APPOINTED,
                CaseStatus.TERMINATED: CandidateStatus.WITHDRAWN,
            }.get(status, CandidateStatus.TARGET)
            if state is not None:
                for k in range(2):
                    candidates.append(
                        Candidate(
                            case_id=pk,
                            vacancy_id=vacancy_of[pk],
                            cadre_id=cadre_ids[(2 * i + k) % len(cadre_ids)],
                            status=state,
                        )
                    )
            at = now - timedelta(days=i % 700)
            prev = GENESIS
            for seq, (action, summary, to) in enumerate(
                (
                    ("open_case", "启动动议", "motion"),
                    ("approve_motion", "主要领导同意启动选拔任用工作", ""),
                    ("note", "补充分析研判材料", ""),
                ),
                start=1,
            ):
                event = _event(pk, seq, prev, at + timedelta(hours=seq), hr, action, summary, to)
                prev = event.hash
                events.append(event)
        for start in range(0, len(candidates), BATCH):
            Candidate.objects.bulk_create(candidates[start : start + BATCH])
        for start in range(0, len(events), BATCH):
            RecordEvent.objects.bulk_create(events[start : start + BATCH])

        # The case file's case: 考察, 10 candidates.
        big = SelectionCase.objects.create(
            organization=org,
            title="2026年第一批中层干部选拔任用（10名人选）",
            year=2026,
            status=CaseStatus.INSPECTION,
            motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
            motion_date=today,
            created_by=hr,
        )
        vacancy = Vacancy.objects.create(case=big, post=posts[0])
        Candidate.objects.bulk_create(
            Candidate(case=big, vacancy=vacancy, cadre_id=cadre_ids[-1 - k], status=CandidateStatus.TARGET)
            for k in range(10)
        )
        RecordEvent.objects.bulk_create(
            [_event(big.pk, 1, GENESIS, now, hr, "open_case", "启动动议", "motion")]
        )
    with connection.cursor() as cursor:
        # As autovacuum leaves a table a minute after a load: statistics, and the visibility map that lets
        # a count read only the index (without it every count visits the table).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    pick = {
        s: next(pk for pk, st in case_ids if st == s) for s in (CaseStatus.MOTION, CaseStatus.RECOMMENDATION)
    }
    return {
        "org": org.pk,
        "hr": hr.pk,
        "secretary": secretary.pk,
        "auditor": auditor.pk,
        "admin": admin.pk,
        "cadre": cadre_ids[len(cadre_ids) // 2],
        "department": departments[0].pk,
        "motion_case": pick[CaseStatus.MOTION],
        "recommendation_case": pick[CaseStatus.RECOMMENDATION],
        "file_case": big.pk,
        "cases": SelectionCase.objects.count(),
        "open_cases": SelectionCase.objects.filter(status__in=OPEN_STATES).count(),
        "cadres": Cadre.objects.count(),
    }
