"""Demo selection cases: one batch standing in every state, built only through the workflow services.

`seed_cases()` is called at the end of `seed_demo()`. It is idempotent: a case whose title exists is left
alone. Every step goes through `selection.services` exactly as HR and the leaders would take it in the
browser, so every case carries a complete, verifiable record (纪实) and every gate has been passed, or is
shown refusing, for real.

The bureau (安吉县医疗保障局) has one vacant chief post (基金监管科科长) and one vacant deputy post
(组织人事科副科长) on the day it is seeded; the other cases concern posts that the earlier cases free up:

1. 终止   组织人事科副科长: stopped during the recommendation (the post is to be filled by a transfer).
2. 任职   组织人事科副科长: 曹丽萍 transferred from 办公室副主任 — her post history changes.
3. 公示   基金监管科科长: 汪海波 approved; the notice is running on the day of seeding.
4. 讨论决定 办公室副主任 (left by 曹丽萍): inspection complete, the party-group meeting not yet held.
5. 考察   基金监管科副科长 (汪海波's, once appointed): inspection partly recorded — the submit gate refuses.
6. 民主推荐 待遇保障科科长 (韩志军 is to move on): both rounds recorded, targets not yet fixed.
7. 动议   医药服务管理科副科长: opened by HR, awaiting the main leader's decision (R-MOT-2).

Dates count back from the day the demo is seeded (`demo_today()`), and each step runs with the clock set to its
own date, so the record's timestamps follow the story: a motion is approved the day after it was moved, not
on the day of seeding. Titles carry the year of the motion.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html import escape

import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User

from .demo import BUREAU, DEMO_PASSWORD, demo_today, seeding_today
from .models import (
    Cadre,
    Candidate,
    CaseStatus,
    Document,
    Organization,
    Post,
    Rank,
    SelectionCase,
)
from .services import cases as svc
from .services.base import Actor
from .services.documents import upload_document

PHONE = "0572-5123456、12380"
DOSSIER_ITEMS = ("birth_date", "party_date", "work_start", "education", "work_history", "cadre_status")
NEGATIVE_ITEMS = ("1", "2", "4", "5", "7")  # ③ and ⑥ are computed from the registry (R-INS-2)


def day(days_before: int) -> date:
    """A date counted back from the day the demo is seeded."""
    return demo_today() - timedelta(days=days_before)


@dataclass(frozen=True)
class Timeline:
    """When each step happened, in days before the demo is seeded."""

    motion: int
    conversation: int = 0
    meeting_round: int = 0
    targets: int = 0
    inspection_notice: int = 0
    inspection_start: int = 0
    appraisal: int = 0
    dossier: int = 0
    discipline: int = 0
    pre_review: int = 0
    decision: int = 0
    public_notice: int = 0
    appointment: int = 0


@dataclass(frozen=True)
class DemoCase:
    label: str  # the title without its year, e.g. "第3批中层干部选拔任用（基金监管科科长）"
    stage: str  # a CaseStatus value: where the case stops
    department: str
    rank: str
    analysis: str
    when: Timeline
    nominees: tuple[str, ...] = ()  # the first one is the target and leads both rounds
    origin: str = SelectionCase.MotionOrigin.PERSONNEL_LEAD
    written_motion: bool = False
    withdraw: tuple[str, str] | None = None  # (name, reason) after the rounds
    termination_reason: str = ""
    absent: tuple[str, ...] = ()  # party-group members absent from the decision meeting
    notice_number: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def title(self) -> str:
        return f"{day(self.when.motion).year}年{self.label}"


def case_title(label: str) -> str:
    """The full title of the demo case with that label, e.g. "2026年第3批…" when seeded in 2026."""
    return next(c.title for c in DEMO_CASES if c.label == label)


DEMO_CASES: list[DemoCase] = [
    DemoCase(
        label="第1批中层干部选拔任用（组织人事科副科长）",
        stage=CaseStatus.TERMINATED,
        department="组织人事科",
        rank=Rank.DEPUTY,
        analysis="组织人事科副科长职位空缺，科室承担全局干部人事和机关党建工作，需尽快配备。",
        when=Timeline(motion=268, conversation=259),
        nominees=("田慧敏", "赵敏"),
        termination_reason=(
            "经党组研究，组织人事科副科长改为从本局现任中层副职中交流配备，终止本批次选拔，已完成的谈话调研推荐情况存档备查。"
        ),
    ),
    DemoCase(
        label="第2批中层干部交流任职（组织人事科副科长）",
        stage=CaseStatus.APPOINTED,
        department="组织人事科",
        rank=Rank.DEPUTY,
        analysis="按党组研究意见，从现任中层副职中交流一名熟悉综合文字工作的同志任组织人事科副科长。",
        when=Timeline(
            motion=233,
            conversation=226,
            meeting_round=224,
            targets=219,
            inspection_notice=218,
            inspection_start=217,
            appraisal=215,
            dossier=213,
            discipline=212,
            pre_review=202,
            decision=198,
            public_notice=197,
            appointment=188,
        ),
        nominees=("曹丽萍", "邵佳怡"),
        origin=SelectionCase.MotionOrigin.MAIN_LEADER,
        notice_number="安医保党〔{year}〕8号",
    ),
    DemoCase(
        label="第3批中层干部选拔任用（基金监管科科长）",
        stage=CaseStatus.PUBLIC_NOTICE,
        department="基金监管科",
        rank=Rank.CHIEF,
        analysis="基金监管科科长职位空缺，医保基金监管任务重，拟从现任中层副职中选拔一名科长。",
        when=Timeline(
            motion=80,
            conversation=72,
            meeting_round=70,
            targets=63,
            inspection_notice=62,
            inspection_start=59,
            appraisal=52,
            dossier=45,
            discipline=44,
            pre_review=27,
            decision=9,
            public_notice=3,
        ),
        nominees=("汪海波", "潘宇"),
        written_motion=True,
        absent=("吴晓东",),
    ),
    DemoCase(
        label="第4批中层干部选拔任用（办公室副主任）",
        stage=CaseStatus.DECISION,
        department="办公室",
        rank=Rank.DEPUTY,
        analysis="曹丽萍同志交流任组织人事科副科长后，办公室副主任空缺，需从一般干部中选拔配备。",
        when=Timeline(
            motion=66,
            conversation=59,
            meeting_round=58,
            targets=44,
            inspection_notice=43,
            inspection_start=42,
            appraisal=37,
            dossier=31,
            discipline=30,
            pre_review=13,
        ),
        nominees=("韩永强", "余文博", "朱建华"),
        withdraw=("朱建华", "本人以家庭原因书面申请退出本次选拔"),
    ),
    DemoCase(
        label="第5批中层干部选拔任用（基金监管科副科长）",
        stage=CaseStatus.INSPECTION,
        department="基金监管科",
        rank=Rank.DEPUTY,
        analysis="汪海波同志拟任基金监管科科长，其副科长职位将空缺，为保持监管力量需同步选拔。",
        when=Timeline(
            motion=45,
            conversation=37,
            meeting_round=35,
            targets=23,
            inspection_notice=22,
            inspection_start=21,
            appraisal=16,
        ),
        nominees=("吴伟民", "程宏伟", "蔡国庆"),
    ),
    DemoCase(
        label="第6批中层干部选拔任用（待遇保障科科长）",
        stage=CaseStatus.RECOMMENDATION,
        department="待遇保障科",
        rank=Rank.CHIEF,
        analysis="韩志军同志拟交流至县级其他部门任职，待遇保障科科长将空缺，需提前研判配备。",
        when=Timeline(motion=24, conversation=16, meeting_round=14),
        nominees=("邵佳怡", "潘宇", "顾晨"),
    ),
    DemoCase(
        label="第7批中层干部选拔任用（医药服务管理科副科长）",
        stage=CaseStatus.MOTION,
        department="医药服务管理科",
        rank=Rank.DEPUTY,
        analysis="邵佳怡同志参加待遇保障科科长民主推荐，为做好衔接，对医药服务管理科副科长配备提前分析研判。",
        when=Timeline(motion=2),
    ),
]

# Seeding order: a case passes its motion gate (R-MOT-1, quota incl. pending approvals) at the moment it
# is built, so the cases that hold a place in the quota (approved, appointed) come after the others.
SEED_ORDER = [0, 3, 4, 5, 1, 2, 6]


def small_pdf(title: str, lines: list[str]) -> bytes:
    """A short A4 PDF (WeasyPrint) standing in for a scanned attachment."""
    from weasyprint import CSS, HTML

    from .pdf.fonts import font_stack
    from .pdf.render import LocalOnlyFetcher

    stack = font_stack()
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        f"<html><head><meta charset='utf-8'><style>body{{font-family:{stack.body};font-size:12pt}}"
        f"h1{{font-size:18pt;text-align:center}}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}<p>（演示数据）</p></body></html>"
    )
    fetcher = LocalOnlyFetcher()
    sheets = [CSS(string=stack.font_faces, url_fetcher=fetcher)] if stack.font_faces else []
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=sheets)


class Builder:
    """Takes one demo case through the services up to its stage, as HR and the leaders would."""

    def __init__(self, spec: DemoCase, org: Organization, users: dict[str, User]):
        self.spec = spec
        self.org = org
        self.hr = Actor(users["renshi"], "10.20.1.15")
        self.secretary = Actor(users["shuji"], "10.20.1.2")
        self.personnel_lead = users["fenguan"]
        self.members = [users[name] for name in PARTY_GROUP_USERNAMES]
        self.case: SelectionCase
        self.candidates: dict[str, Candidate] = {}

    # ---- helpers ------------------------------------------------------------------------------------
    def on(self, name: str) -> date:
        return day(getattr(self.spec.when, name))

    def target(self) -> Candidate:
        return self.candidates[self.spec.nominees[0]]

    def upload(self, kind: str, title: str, lines: list[str], candidate: Candidate | None = None) -> None:
        data = small_pdf(title, lines)
        upload_document(
            self.case,
            by=self.hr,
            kind=kind,
            title=title,
            uploaded_file=ContentFile(data, name=f"{kind}.pdf"),
            candidate=candidate,
        )

    def upload_approval_form(self, candidate: Candidate) -> None:
        from .pdf.adapters import render_approval_form

        data = render_approval_form(candidate, filled_by=self.hr.name)
        upload_document(
            self.case,
            by=self.hr,
            kind=Document.Kind.APPROVAL_FORM,
            title=f"{candidate.cadre.name}干部任免审批表",
            uploaded_file=ContentFile(data, name="approval_form.pdf"),
            candidate=candidate,
        )

    def refresh(self) -> None:
        self.case = SelectionCase.objects.get(pk=self.case.pk)

    # ---- the steps ----------------------------------------------------------------------------------
    def at(self, *steps: str, hour: int = 10):
        """Run what follows with the clock at the latest of these steps' dates, so records are stamped then."""
        when = min(
            (getattr(self.spec.when, step) for step in steps if getattr(self.spec.when, step)), default=0
        )
        moment = timezone.make_aware(datetime.combine(day(when), time(hour)))
        return time_machine.travel(min(moment, timezone.now()), tick=True)

    def build(self) -> SelectionCase:
        spec = self.spec
        final = spec.stage
        with self.at("motion", hour=9):
            self.open_motion()
        if final == CaseStatus.MOTION:
            return self.case
        with self.at("motion", hour=16):  # the main leader decides the same afternoon (R-MOT-2)
            svc.approve_motion(self.case, by=self.secretary)
        with self.at("conversation", hour=9):
            self.start_recommendation()
        with self.at("conversation", "meeting_round", hour=17):
            self.record_rounds()
        if final == CaseStatus.TERMINATED:
            with self.at("conversation", hour=18):
                svc.terminate_case(self.case, by=self.hr, reason=spec.termination_reason)
            self.refresh()
            return self.case
        if final == CaseStatus.RECOMMENDATION:
            return self.case
        with self.at("targets"):
            self.fix_targets()
        with self.at("inspection_start", hour=9):
            self.case = svc.start_inspection(self.case, by=self.hr)
        steps = ("appraisal", "dossier", "discipline") if final != CaseStatus.INSPECTION else ("appraisal",)
        with self.at("inspection_start", *steps, hour=17):
            self.inspect(complete=final != CaseStatus.INSPECTION)
        if final == CaseStatus.INSPECTION:
            return self.case
        with self.at("pre_review"):
            # R-DEC-8 is on file before 提交讨论, recorded the day the county department replied (R-REG-4).
            svc.update_candidate_record(
                self.target(),
                by=self.hr,
                pre_review_on=self.on("pre_review"),
                pre_review_reply="同意按程序提交党组讨论",
            )
            self.case = svc.submit_for_decision(self.case, by=self.hr)
            self.upload_approval_form(self.target())
        if final == CaseStatus.DECISION:
            return self.case
        with self.at("decision", hour=15):
            self.decide()
        with self.at("public_notice", hour=9):
            self.case = svc.publish_notice(
                self.case,
                by=self.hr,
                published_on=self.on("public_notice"),
                scope="局机关全体干部职工、医保中心全体干部职工",
                channels=f"来电（{PHONE}）、来信或来访",
            )
        if final == CaseStatus.PUBLIC_NOTICE:
            return self.case
        with self.at("appointment"):
            self.case = svc.appoint(
                self.case,
                by=self.hr,
                notice_number=spec.notice_number.format(year=self.on("appointment").year),
                notice_date=self.on("appointment"),
                talk_on=self.on("appointment"),
                talk_by=self.secretary.name,
            )
        return self.case

    def open_motion(self) -> None:
        spec = self.spec
        post = Post.objects.get(organization=self.org, department__name=spec.department, rank=spec.rank)
        self.case = svc.open_case(
            self.org,
            by=self.hr,
            title=spec.title,
            year=self.on("motion").year,
            posts=[post],
            motion_origin=spec.origin,
            motion_date=self.on("motion"),
            motion_form=SelectionCase.MotionForm.WRITTEN
            if spec.written_motion
            else SelectionCase.MotionForm.ORAL,
            analysis=spec.analysis,
        )
        if spec.written_motion:
            self.upload(
                Document.Kind.MOTION,
                "关于启动中层干部选拔任用工作的书面意见",
                [f"拟选拔任用：{post}。", spec.analysis, f"提出人：{self.personnel_lead.get_full_name()}"],
            )

    def start_recommendation(self) -> None:
        self.case = svc.start_recommendation(self.case, by=self.hr)
        vacancy = self.case.vacancies.get()
        for name in self.spec.nominees:
            cadre = Cadre.objects.get(name=name)
            self.candidates[name] = svc.nominate(self.case, by=self.hr, cadre=cadre, vacancy=vacancy)

    def record_rounds(self) -> None:
        spec = self.spec
        vacancy = self.case.vacancies.get()
        cadres = [self.candidates[n].cadre for n in spec.nominees]
        conversation = [15, 5, 2][: len(cadres)]
        svc.record_round(
            self.case,
            by=self.hr,
            kind="conversation",
            held_on=self.on("conversation"),
            expected=24,
            actual=23,
            valid_ballots=23,
            scope="局领导班子成员、中层干部和下属单位负责人",
            results=list(zip([vacancy] * len(cadres), cadres, conversation, strict=True)),
        )
        if spec.stage == CaseStatus.TERMINATED:
            return
        if spec.stage == CaseStatus.RECOMMENDATION:
            return  # its 会议推荐 is the online ballot box that demo_voting.seed_voting() runs and counts
        meeting = [34, 7, 3][: len(cadres)]
        svc.record_round(
            self.case,
            by=self.hr,
            kind="meeting",
            held_on=self.on("meeting_round"),
            expected=52,
            actual=47,
            valid_ballots=46,
            scope="局机关全体在职干部职工和下属单位负责人",
            results=list(zip([vacancy] * len(cadres), cadres, meeting, strict=True)),
        )
        if spec.withdraw:
            name, reason = spec.withdraw
            svc.withdraw_candidate(self.candidates[name], by=self.hr, reason=reason)

    def fix_targets(self) -> None:
        target = self.target()
        answers = {item: {"applies": False, "by": self.hr.name} for item in NEGATIVE_ITEMS}
        svc.update_candidate_record(target, by=self.hr, negative_list=answers, health_attested_fit=True)
        svc.fix_targets(
            self.case,
            by=self.hr,
            meeting_date=self.on("targets"),
            expected_members=7,
            present_members=7,
            targets=[target],
            considerations="综合民主推荐、年度考核和人岗相适情况，党组集体研究确定。",
        )

    def inspect(self, *, complete: bool) -> None:
        target = self.target()
        name = target.cadre.name
        svc.update_candidate_record(
            target,
            by=self.hr,
            team=[self.personnel_lead, self.hr.user],
            notice_published_on=self.on("inspection_notice"),
            notice_scope="局机关及医保中心全体干部职工",
            notice_phone=PHONE,
            started_on=self.on("inspection_start"),
        )
        svc.update_candidate_record(
            target,
            by=self.hr,
            appraisal_expected=46,
            appraisal_actual=44,
            rated_excellent=26,
            rated_competent=17,
            rated_basic=1,
            rated_incompetent=0,
            agree_promotion=42,
            disagree_promotion=2,
            opinions="个别谈话和征求意见情况良好，普遍反映该同志政治素质好、业务能力强。",
        )
        if not complete:
            return  # the dossier audit, the discipline opinion, the material and the checks are still due
        svc.update_candidate_record(
            target,
            by=self.hr,
            dossier_items={item: {"checked": True} for item in DOSSIER_ITEMS},
            dossier_reviewer=self.hr.name,
            dossier_checked_on=self.on("dossier"),
        )
        svc.update_candidate_record(
            target,
            by=self.hr,
            discipline_opinion_on=self.on("discipline"),
            discipline_conclusion="未发现违反党风廉政建设规定的问题。",
            discipline_clear=True,
            personal_matters_checked_on=self.on("discipline"),
            personal_matters_result="如实报告，查核一致",
            complaints_resolved=True,
        )
        self.upload(
            Document.Kind.DOSSIER_AUDIT,
            f"{name}干部人事档案任前审核登记表",
            [f"审核对象：{name}", "三龄两历一身份：经审核无误。", f"审核人：{self.hr.name}"],
            candidate=target,
        )
        self.upload(
            Document.Kind.INSPECTION_MATERIAL,
            f"关于{name}同志的考察材料",
            [
                f"{name}同志，政治素质好，业务能力强，群众公认度高。",
                "考察组：" + self.personnel_lead.get_full_name(),
            ],
            candidate=target,
        )

    def decide(self) -> None:
        present = [m for m in self.members if m.get_full_name() not in self.spec.absent]
        meeting = svc.convene_meeting(
            self.case,
            by=self.hr,
            held_on=self.on("decision"),
            method="hands",
            chair=self.secretary.user,
            members=self.members,
            present=present,
            minutes="党组会议讨论干部任免事项，逐人表决。",
        )
        target = self.target()
        chair = self.secretary.user
        for member in [m for m in present if m.pk != chair.pk] + [chair]:  # the main leader states last
            svc.cast_open_vote(meeting, target, by=member, choice="agree")
        svc.close_meeting(meeting, by=self.secretary)
        self.sign_off(meeting, present)
        self.refresh()

    def sign_off(self, meeting, present: list[User]) -> None:
        """签字确认: each present member confirms the tally with their password (the demo password)."""
        try:
            from .services import voting
        except ImportError:  # before online voting existed, the closed meeting was the decision
            return
        for member in present:
            voting.sign_off(meeting, by=Actor(member), password=DEMO_PASSWORD)


PARTY_GROUP_USERNAMES = ["shuji", "fenguan", "dangzu3", "dangzu4", "dangzu5", "dangzu6", "dangzu7"]


def seed_cases() -> list[SelectionCase]:
    """Create the demo cases that do not exist yet (keyed by title); returns all of them."""
    with seeding_today():
        return _seed_cases()


def _seed_cases() -> list[SelectionCase]:
    org = Organization.objects.get(name=BUREAU)
    users = {u.username: u for u in User.objects.filter(username__in=[*PARTY_GROUP_USERNAMES, "renshi"])}
    existing = set(SelectionCase.objects.filter(organization=org).values_list("title", flat=True))
    for index in SEED_ORDER:
        spec = DEMO_CASES[index]
        if spec.title not in existing:
            Builder(spec, org, users).build()
    return list(SelectionCase.objects.filter(organization=org, title__in=[c.title for c in DEMO_CASES]))
