"""Builders for the document tests and the case-file benchmark (no tests here).

A registry cadre with every section filled, and a case walked through every stage. The workflow rows are
created directly and each step is recorded with `record_event`, as the services do, so the documents can
be checked before and independently of the workflow screens.
"""

import io
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from accounts.roles import Role
from selection.models import (
    AnnualAssessment,
    Appointment,
    Attendance,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Complaint,
    Department,
    EducationLevel,
    EducationRecord,
    FamilyMember,
    Inspection,
    Meeting,
    OpenVote,
    Post,
    PostHolding,
    PublicNotice,
    Quota,
    Rank,
    RecommendationRound,
    Recusal,
    ResumeEntry,
    RoundResult,
    SelectionCase,
    TargetDecision,
    Vacancy,
    VoteChoice,
)
from selection.services.base import Actor, record_event

from .factories import CadreFactory, UserFactory

SURNAMES = "陈李张刘杨黄赵吴周徐孙马朱胡郭何高林罗郑"
GIVEN = ["晓明", "建华", "丽娟", "志刚", "海燕", "国庆", "文杰", "秀兰", "伟", "静"]


def portrait(color: tuple[int, int, int] = (70, 120, 200)) -> bytes:
    image = Image.new("RGB", (320, 400), color)
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 60, 220, 220), fill=(240, 210, 180))
    draw.rectangle((60, 240, 260, 400), fill=(30, 30, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def department(org, name: str) -> Department:
    return Department.objects.get_or_create(organization=org, name=name)[0]


def post(org, dept_name: str, title: str, rank: str = Rank.CHIEF) -> Post:
    return Post.objects.get_or_create(
        organization=org, department=department(org, dept_name), title=title, defaults={"rank": rank}
    )[0]


def full_cadre(org, *, name: str = "陈晓明", index: int = 0, photo: bool = True, **fields):
    """A cadre as the registry holds one: education, résumé, posts, assessments, family, photo."""
    dept = f"第{index + 1}科" if index else "待遇保障科"
    cadre = CadreFactory(
        organization=org,
        department=department(org, dept),
        name=name,
        birth_date=fields.pop("birth_date", date(1985, 3, 12)),
        ethnicity="汉族",
        native_place="浙江安吉",
        birthplace="浙江湖州",
        party_joined_on=date(2007, 6, 1),
        work_started_on=date(2008, 7, 1),
        professional_title="经济师",
        expertise="医疗保障政策和基金管理",
        rewards_and_punishments=fields.pop("rewards", "2021年被评为湖州市医疗保障系统先进工作者。"),
        **fields,
    )
    EducationRecord.objects.create(
        cadre=cadre,
        kind=EducationRecord.Kind.FULL_TIME,
        level=EducationLevel.UNDERGRADUATE,
        degree="管理学学士",
        school_and_major="浙江财经大学劳动与社会保障专业",
        graduated_on=date(2008, 6, 30),
    )
    EducationRecord.objects.create(
        cadre=cadre,
        kind=EducationRecord.Kind.IN_SERVICE,
        level=EducationLevel.POSTGRADUATE,
        degree="公共管理硕士",
        school_and_major="浙江大学公共管理专业",
        graduated_on=date(2018, 7, 1),
    )
    entries = [
        (date(2008, 7, 1), date(2012, 9, 1), "安吉县人力资源和社会保障局科员", False),
        (date(2012, 9, 1), date(2019, 3, 1), "安吉县人力资源和社会保障局医疗保险科副科长", False),
        (
            None,
            None,
            "（其间：2015.09--2018.07在浙江大学公共管理专业在职研究生学习，获公共管理硕士学位）",
            True,
        ),
        (date(2019, 3, 1), None, f"安吉县医疗保障局{dept}副科长", False),
    ]
    for order, (start, end, text, note) in enumerate(entries):
        ResumeEntry.objects.create(
            cadre=cadre, started_on=start, ended_on=end, text=text, is_note=note, order=order
        )
    PostHolding.objects.create(
        cadre=cadre, post=post(org, dept, "副科长", Rank.DEPUTY), started_on=date(2019, 3, 1)
    )
    for year, result in ((2023, "优秀"), (2024, "称职"), (2025, "称职")):
        AnnualAssessment.objects.create(cadre=cadre, year=year, result=result)
    family = [
        ("妻子", "林静", date(1987, 5, 1), "中共党员", "安吉县人民医院护士长", False),
        ("儿子", f"{name[0]}子墨", date(2014, 9, 1), "群众", "安吉县昌硕小学学生", False),
        ("父亲", f"{name[0]}国华", date(1958, 11, 1), "中共党员", "安吉县递铺街道退休干部", False),
        ("母亲", "王秀英", date(1960, 2, 1), "群众", "安吉县递铺街道农民", True),
    ]
    for order, (relation, member, birth, status, unit, deceased) in enumerate(family):
        FamilyMember.objects.create(
            cadre=cadre,
            relation=relation,
            name=member,
            birth_date=birth,
            political_status=status,
            unit_and_post=unit,
            deceased=deceased,
            order=order,
        )
    if photo:
        cadre.photo.save("photo.jpg", ContentFile(portrait()), save=True)
    return cadre


def party_group(org, count: int = 7) -> list:
    names = ["王建国", "李红梅", "张卫东", "陈志强", "刘芳", "周明", "吴晓东"]
    existing = list(User.objects.filter(username__startswith=f"pg{org.pk}-").order_by("pk"))
    if len(existing) >= count:
        return existing[:count]
    return [
        UserFactory(
            username=f"pg{org.pk}-{i}",
            full_name=names[i % len(names)],
            organization=org,
            roles=[Role.SECRETARY, Role.PARTY_MEMBER] if i == 0 else [Role.PARTY_MEMBER],
        )
        for i in range(count)
    ]


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def build_case(
    org,
    hr,
    *,
    candidates: int = 1,
    stage: str = CaseStatus.APPOINTED,
    exceptional: bool = True,
    photo: bool = True,
) -> SelectionCase:
    """A case walked to `stage` (inspection, decision, public_notice or appointed) with `candidates` people."""
    actor = Actor(hr, "10.0.0.8")
    members = party_group(org)
    Quota.objects.get_or_create(organization=org, rank=Rank.DEPUTY, defaults={"approved": 12})
    Quota.objects.get_or_create(organization=org, rank=Rank.CHIEF, defaults={"approved": 12})
    case = SelectionCase.objects.create(
        organization=org,
        title="2026年第一批中层干部选拔任用",
        year=2026,
        motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
        motion_form=SelectionCase.MotionForm.WRITTEN,
        motion_date=date(2026, 1, 6),
        motion_analysis="待遇保障科、基金监管科等岗位空缺，经分析研判，拟通过日常选拔任用程序补充。",
        motion_proposed_by=members[1],
        motion_approved_by=members[0],
        motion_approved_at=_aware(date(2026, 1, 8)),
        created_by=hr,
    )
    record_event(case, by=actor, action="open_case", summary=f"启动动议：{case.title}", to_state="motion")
    record_event(
        case, by=Actor(members[0]), action="approve_motion", summary="主要领导王建国同意启动选拔任用工作"
    )
    people = []
    for i in range(candidates):
        name = f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[i % len(GIVEN)]}" if i else "陈晓明"
        cadre = full_cadre(org, name=name, index=i, photo=photo)
        vacancy = Vacancy.objects.create(
            case=case, post=post(org, f"第{i + 21}科" if i else "基金监管科", "科长")
        )
        candidate = Candidate.objects.create(case=case, vacancy=vacancy, cadre=cadre)
        if exceptional and i == 0:
            # 破格 by the facts (R-EXC-1 computes it): under a year as deputy before a chief post (R-ELIG-1).
            PostHolding.objects.filter(cadre=cadre).update(started_on=date(2025, 6, 1))
            candidate.exceptional = True
            candidate.exceptional_type = Candidate.ExceptionalType.OUTSTANDING
            candidate.exceptional_reason = "在医保基金监管专项行动中表现突出，获省级表彰"
            candidate.county_consent_number = "安组干〔2026〕3号"
            candidate.county_consent_date = date(2026, 1, 20)
            candidate.save()
        record_event(
            case, by=actor, action="nominate", candidate=candidate, summary=f"提名人选：{cadre.name}"
        )
        people.append(candidate)
    _move(case, CaseStatus.RECOMMENDATION, actor, "进入民主推荐")

    for kind, held_on, expected, actual in (
        (RecommendationRound.Kind.CONVERSATION, date(2026, 1, 12), 45, 43),
        (RecommendationRound.Kind.MEETING, date(2026, 1, 15), 60, 57),
    ):
        round_ = RecommendationRound.objects.create(
            case=case,
            kind=kind,
            held_on=held_on,
            scope="局机关全体干部、下属事业单位中层以上干部",
            expected=expected,
            actual=actual,
            valid_ballots=actual - 1,
            recorded_by=hr,
        )
        for c in people:
            RoundResult.objects.create(
                round=round_, vacancy=c.vacancy, cadre=c.cadre, votes=actual - 6, rank=1
            )
        record_event(
            case,
            by=actor,
            action="record_round",
            summary=f"录入{round_.get_kind_display()}结果：应参加 {expected} 人，实参加 {actual} 人",
        )
    TargetDecision.objects.create(
        case=case,
        meeting_date=date(2026, 1, 19),
        expected_members=7,
        present_members=7,
        considerations="综合民主推荐、平时表现和岗位需要，确定考察对象。",
        recorded_by=hr,
    )
    for c in people:
        _set_status(c, CandidateStatus.TARGET)
        inspection = Inspection.objects.create(
            candidate=c,
            started_on=date(2026, 1, 26),
            notice_published_on=date(2026, 1, 22),
            notice_scope="局机关及下属事业单位",
            notice_phone="0572-5123380、12380",
            appraisal_expected=58,
            appraisal_actual=56,
            rated_excellent=40,
            rated_competent=14,
            rated_basic=1,
            rated_incompetent=0,
            agree_promotion=53,
            disagree_promotion=2,
            opinions="个别谈话 18 人，普遍反映该同志政治素质好，业务能力强，工作作风扎实。",
            negative_list={str(n): {"hit": False, "by": "孙丽", "at": "2026-01-26"} for n in (1, 2, 4, 5, 7)},
            dossier_items={
                item: {"checked": True, "consistent": True}
                for item in (
                    "birth_date",
                    "party_date",
                    "work_start",
                    "education",
                    "work_history",
                    "cadre_status",
                )
            },
            dossier_reviewer="赵敏",
            dossier_checked_on=date(2026, 1, 28),
            discipline_opinion_on=date(2026, 1, 29),
            discipline_conclusion="未发现违反党风廉政建设规定的问题。",
            discipline_clear=True,
            personal_matters_checked_on=date(2026, 1, 29),
            personal_matters_result="如实报告，查核一致",
            pre_review_on=date(2026, 2, 2),
            pre_review_reply="同意提交党组会议讨论",
        )
        inspection.team.set([members[1], hr])
    record_event(case, by=actor, action="fix_targets", summary="确定考察对象")
    _move(case, CaseStatus.INSPECTION, actor, "进入考察")
    if stage == CaseStatus.INSPECTION:
        return case

    for c in people:
        _set_status(c, CandidateStatus.PROPOSED)
    _move(case, CaseStatus.DECISION, actor, "提交党组讨论决定")
    meeting = Meeting.objects.create(
        case=case,
        held_on=date(2026, 2, 10),
        method=Meeting.Method.HANDS,
        chair=members[0],
        minutes="会议逐一研究了拟任人选。",
    )
    for i, m in enumerate(members):
        Attendance.objects.create(
            meeting=meeting, member=m, present=i != 6, absence_reason="" if i != 6 else "外出学习"
        )
    Recusal.objects.create(
        meeting=meeting, member=members[5], candidate=people[0], reason="与人选系近姻亲关系"
    )
    for c in people:
        for i, m in enumerate(members[:6]):
            if c == people[0] and i == 5:
                continue
            choice = VoteChoice.DISAGREE if i == 4 else VoteChoice.AGREE
            OpenVote.objects.create(meeting=meeting, candidate=c, member=m, choice=choice)
        _set_status(c, CandidateStatus.APPROVED)
    meeting.phase = Meeting.Phase.CLOSED
    meeting.save()
    record_event(case, by=actor, action="close_meeting", summary="表决结束：全部通过")
    if stage == CaseStatus.DECISION:
        return case

    notice = PublicNotice.objects.create(
        case=case,
        published_on=date(2026, 2, 11),
        ends_on=date(2026, 2, 26),
        scope="局机关及下属事业单位公示栏、局内网",
        channels="电话 0572-5123380；来信寄安吉县医疗保障局组织人事科；12380举报网站",
    )
    _move(case, CaseStatus.PUBLIC_NOTICE, actor, "发布任职前公示")
    Complaint.objects.create(
        notice=notice,
        candidate=people[0],
        received_on=date(2026, 2, 13),
        summary="反映其在科室工作中作风简单。",
        investigation="经调查核实，反映问题不属实。",
        conclusion=Complaint.Conclusion.NO_EFFECT,
        concluded_on=date(2026, 2, 20),
    )
    record_event(
        case, by=actor, action="conclude_complaint", candidate=people[0], summary="信访举报办结：不影响任职"
    )
    if stage == CaseStatus.PUBLIC_NOTICE:
        return case

    for c in people:
        Appointment.objects.create(
            candidate=c,
            notice_number="安医保党〔2026〕5号",
            notice_date=date(2026, 3, 2),
            tenure_starts_on=date(2026, 2, 10),
            probation_ends_on=date(2027, 2, 10),
            talk_on=date(2026, 3, 3),
            talk_by="王建国",
            recorded_by=hr,
        )
        # As services.cases.appoint does: the open holdings end, the new post starts.
        PostHolding.objects.filter(cadre=c.cadre, ended_on__isnull=True).update(ended_on=date(2026, 2, 10))
        PostHolding.objects.create(
            cadre=c.cadre,
            post=c.vacancy.post,
            started_on=date(2026, 2, 10),
            probation_ends_on=date(2027, 2, 10),
        )
        _set_status(c, CandidateStatus.APPOINTED)
    _move(case, CaseStatus.APPOINTED, actor, "办理任职")
    return case


def _set_status(obj, status: str) -> None:
    type(obj).objects.filter(pk=obj.pk).update(status=status)
    obj.refresh_from_db()


def _move(case: SelectionCase, status: str, actor: Actor, label: str) -> None:
    from_state = case.status
    _set_status(case, status)
    record_event(case, by=actor, action=f"to_{status}", summary=label, from_state=from_state, to_state=status)
