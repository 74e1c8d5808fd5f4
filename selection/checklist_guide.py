"""Who must act on each checklist item and which form fixes it (the case page's and the candidate page's
checklists). Keyed by rule ID, then by the rule's area; the views turn a form key into its URL."""

from dataclasses import dataclass

from accounts.roles import Role

HR = str(Role.HR.label)
MAIN_LEADER = "党组主要领导"
MEMBERS = str(Role.PARTY_MEMBER.label)
DISCIPLINE = "纪检监察组"
TEAM = "考察组"
ADMIN = str(Role.ADMIN.label)


@dataclass(frozen=True)
class Form:
    label: str  # the form's name as its button or panel says it
    on_candidate: bool = False  # on the candidate's page (else the case page)
    anchor: str = ""  # the element to scroll to
    panel: str = ""  # the collapsed panel the case page opens (?open=…)


FORMS: dict[str, Form] = {
    "motion_edit": Form("修改动议"),
    "motion_review": Form("审批动议", anchor="stage-motion"),
    "nominate": Form("提名人选", anchor="nominate-form"),
    "round": Form("录入推荐结果", anchor="round-form", panel="round"),
    "skip": Form("不再进行会议推荐的说明", anchor="skip-form", panel="skip"),
    "targets": Form("确定考察对象", anchor="targets-form"),
    "negative": Form("负面清单核查", True, "negative"),
    "health": Form("身体条件", True, "health"),
    "exceptional": Form("破格提拔情况", True, "exceptional"),
    "target_reason": Form("确定为考察对象的理由", True, "target_reason"),
    "inspection": Form("考察情况", True, "inspection"),
    "documents": Form("上传附件", True, "documents"),
    "record": Form("纪实表“不适用”说明", True, "record"),
    "meeting": Form("录入党组会议", anchor="meeting-form", panel="meeting"),
    "opinions": Form("录入表决意见", anchor="opinions-form"),
    "notice": Form("发布任职前公示", anchor="next-step"),
    "complaints": Form("登记、办结信访举报", anchor="complaint-form", panel="complaint"),
    "appoint": Form("办理任职", anchor="next-step"),
    "holidays": Form("节假日安排"),
    "competition": Form("竞争上岗页面"),  # its plan, registrations, screening, panel and scores
}


@dataclass(frozen=True)
class Guide:
    role: str  # who must act (the role as the office names it)
    form: str  # a key of FORMS


GUIDES: dict[str, Guide] = {
    # exact rule IDs first…
    "R-MOT-2": Guide(MAIN_LEADER, "motion_review"),
    "R-REC-3": Guide(HR, "nominate"),
    "R-REC-4": Guide(HR, "skip"),
    "R-REC-7": Guide(HR, "targets"),
    "R-INS-1": Guide(f"党组集体研究，{HR}录入", "targets"),
    "R-INS-2": Guide(HR, "negative"),
    "R-INS-7": Guide(f"{DISCIPLINE}出具意见，{HR}录入", "inspection"),
    "R-ELIG-7": Guide(HR, "health"),
    "R-EXC-5": Guide(HR, "notice"),
    "R-DEC-3": Guide(MEMBERS, "opinions"),
    "R-DEC-4": Guide(HR, "documents"),
    "R-DEC-8": Guide(f"县委组织部预审，{HR}录入", "inspection"),
    "R-NOT-3": Guide(f"{DISCIPLINE}、{HR}", "complaints"),
    "R-REQ-1": Guide(HR, "record"),
    "R-CAL-3": Guide(ADMIN, "holidays"),
    # …then the rule's area
    "R-MOT": Guide(HR, "motion_edit"),
    "R-MET": Guide(HR, "motion_edit"),
    "R-CMP": Guide(HR, "competition"),
    "R-REC": Guide(HR, "round"),
    "R-INS": Guide(TEAM, "inspection"),
    "R-ELIG": Guide(HR, "exceptional"),
    "R-EXC": Guide(HR, "exceptional"),
    "R-KIN": Guide(HR, "inspection"),
    "R-DEC": Guide(HR, "meeting"),
    "R-NOT": Guide(HR, "notice"),
    "R-APP": Guide(HR, "appoint"),
}
# A finding naming a candidate for the reason they were chosen though not first (R-INS-1 WARN).
CANDIDATE_OVERRIDES = {"R-INS-1": "target_reason"}


def guide_for(rule: str) -> Guide:
    """Who acts and where, for a rule ID (HR on the case page when nothing more specific is known)."""
    if rule in GUIDES:
        return GUIDES[rule]
    area = rule.rsplit("-", 1)[0]
    return GUIDES.get(area, Guide(HR, "nominate"))
