"""The record in Chinese: a label for every event action, and an event's payload as labelled fields.

Read-only presentation of `RecordEvent` (the audit pages and the case timeline); the stored record is
never changed. Unknown keys keep their stored name so nothing recorded is ever hidden."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from .models import (
    BallotBox,
    CandidateStatus,
    CaseStatus,
    Complaint,
    Meeting,
    ParticipantCategory,
    RecommendationRound,
    Registration,
    SelectionCase,
    VoteChoice,
)
from .rules import DossierItem

ACTION_LABELS: dict[str, str] = {
    # 动议
    "open_case": "启动动议",
    "correct_motion": "修改动议",
    "approve_motion": "主要领导同意动议",
    "return_motion": "主要领导退回动议",
    "reject_motion": "主要领导不同意动议",
    "start_recommendation": "进入民主推荐",
    # 民主推荐
    "nominate": "提名人选",
    "record_round": "录入推荐结果",
    "record_meeting_skip": "不再进行会议推荐的说明",
    "fix_targets": "确定考察对象",
    "start_inspection": "进入考察",
    # 考察
    "update_candidate_record": "记录人选情况",
    "mark_not_applicable": "纪实表栏目不适用",
    "upload_document": "上传附件",
    "store_official_copy": "存档正式文本",
    "rename_stored_file": "存储文件更名为随机名称",
    "submit_for_decision": "提交党组讨论决定",
    # 讨论决定
    "schedule_meeting": "安排党组会议",
    "record_attendance": "登记出席情况",
    "convene_meeting": "召开党组会议",
    "open_voting": "开始表决",
    "record_open_votes": "录入表决意见",
    "sign_off": "签字确认",
    "close_meeting": "结束表决并计票",
    "reconsider": "复议",
    # 投票箱
    "create_ballot_box": "设立投票箱",
    "invite_accounts": "邀请参加投票",
    "issue_slips": "发放投票凭条",
    "open_box": "开始网上投票",
    "count_ballot_box": "投票箱计票",
    # 公示、任职
    "publish_notice": "发布任职前公示",
    "extend_notice": "延长公示期",
    "record_complaint": "登记信访举报",
    "conclude_complaint": "办结信访举报",
    "appoint": "办理任职",
    "withdraw_candidate": "人选退出",
    "terminate": "终止选拔任用工作",
    # 竞争上岗 (R-CMP)
    "save_plan": "修改竞争上岗实施方案",
    "publish_plan": "公布竞争上岗实施方案",
    "register": "竞争上岗报名",
    "close_registration": "报名结束，进行资格审查",
    "run_screening": "资格审查",
    "publish_screening": "公布资格审查结果",
    "request_review": "申请资格审查复核",
    "answer_review": "答复复核申请",
    "start_exam": "进入笔试面试",
    "set_examiners": "确定面试考官",
    "withdraw_post": "未形成有效竞争的职位调整出竞争上岗",
    "reopen_registration": "重新组织报名",
    "record_written_scores": "录入笔试成绩",
    "record_interview_scores": "录入面试评分",
    "fix_advancing": "确定进入考察人选",
    "publish_results": "公布考试成绩和考察人选",
    "advance_to_inspection": "进入民主测评和考察",
    # 下属单位 (R-REQ-4)
    "bureau_deliberation": "局党组集体商议",
}

FIELD_LABELS: dict[str, str] = {
    # 竞争上岗
    "channel": "报名方式",
    "registration": "报名编号",
    "scores": "成绩",
    "ranking": "综合成绩排名",
    "examiners": "面试考官",
    "decided_on": "党组会议研究日期",
    "answer": "复核答复",
    "overturned": "复核后符合条件",
    "absent": "缺席",
    "actual": "实参加",
    "agree": "同意",
    "agree_to_reopen": "同意复议人数",
    "box": "投票箱编号",
    "cadre": "干部",
    "candidate": "人选",
    "candidates": "人选",
    "categories": "分类",
    "category": "参加人员类别",
    "chair": "主持人",
    "changed": "修改内容",
    "changes": "修改内容",
    "channels": "监督渠道",
    "choice": "表决意见",
    "comment": "主要领导意见",
    "concluded_on": "办结日期",
    "conclusion": "调查结论",
    "count": "人数",
    "disagree": "不同意",
    "document": "附件编号",
    "expected": "应参加",
    "filename": "文件名",
    "form": "启动意见形式",
    "held_on": "日期",
    "investigation": "调查核实情况",
    "kind": "方式",
    "meeting": "会议编号",
    "meeting_date": "党组会议日期",
    "member": "成员",
    "member_id": "成员编号",
    "members": "应到成员",
    "method": "表决方式",
    "missing": "缺少",
    "mode": "选拔方式",
    "name": "姓名",
    "new": "修改后",
    "notice_date": "任职通知日期",
    "notice_number": "任职通知文号",
    "old": "修改前",
    "origin": "动议方式",
    "outcome": "结果",
    "outcome_label": "表决结果",
    "postpone": "缓议",
    "posts": "拟任职位",
    "present": "出席",
    "published_on": "公示发布日期",
    "rank": "排名",
    "reason": "理由",
    "recusals": "回避",
    "recused": "回避",
    "results": "个人得票",
    "resubmitted": "重新报批",
    "row": "纪实表栏目",
    "scope": "范围",
    "sha256": "文件摘要（SHA-256）",
    "size": "人数",
    "source": "计票来源",
    "stale": "已过期",
    "tallies": "计票结果",
    "tally": "计票结果",
    "tally_sha256": "计票结果摘要（SHA-256）",
    "title": "标题",
    "total": "合计",
    "valid": "有效票",
    "valid_ballots": "有效票",
    "votes": "得票",
    "year": "年度",
    "team": "考察组成员",
    # meeting_skip's three affirmations (R-REC-4)
    "small_unit": "单位人数较少",
    "same_scope": "参加范围基本相同",
    "concentrated": "推荐意见集中",
    # 考察: the 档案审核 items (R-INS-6) and their mark
    **dict(DossierItem.choices),
    "checked": "已核对",
}

# Values stored as codes, by the key they are stored under.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "origin": dict(SelectionCase.MotionOrigin.choices),
    "form": dict(SelectionCase.MotionForm.choices),
    "mode": dict(SelectionCase.Mode.choices),
    "method": dict(Meeting.Method.choices),
    "choice": dict(VoteChoice.choices),
    "conclusion": {k: v for k, v in Complaint.Conclusion.choices if k},
    "category": dict(ParticipantCategory.choices),
    "source": dict(BallotBox.Source.choices),
    "channel": dict(Registration.Channel.choices),
    "outcome": {"approve": "通过", "reject": "未通过", "defer": "缓议"},
    "kind": {**dict(RecommendationRound.Kind.choices), **dict(BallotBox.Kind.choices)},
    "status": {**dict(CaseStatus.choices), **dict(CandidateStatus.choices)},
}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def action_label(action: str) -> str:
    """The action as the office says it; an action without a label keeps its stored name."""
    return ACTION_LABELS.get(action, action)


def field_label(key: str) -> str:
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    return _model_field_label(key) or key


def _model_field_label(key: str) -> str:
    """The verbose name of an inspection, candidate or 竞争上岗 plan field (the changes their services
    record)."""
    from .models import Candidate, CompetitionPlan, Inspection

    for model in (Inspection, Candidate, CompetitionPlan):
        try:
            return str(model._meta.get_field(key).verbose_name)
        except Exception:
            continue
    return ""


def _date_text(value: str) -> str:
    try:
        if ISO_DATETIME.match(value):
            moment = datetime.fromisoformat(value)
            return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.year}年{day.month}月{day.day}日"


def value_text(value, key: str = "") -> str:
    """One stored value as readable Chinese text (lists joined with 、, dicts as 标签：值)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, datetime)):
        return _date_text(value.isoformat())
    if isinstance(value, str):
        labels = VALUE_LABELS.get(key)
        if labels and value in labels:
            return labels[value]
        if ISO_DATE.match(value) or ISO_DATETIME.match(value):
            return _date_text(value)
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        if not value:
            return "—"
        separator = "；" if any(isinstance(v, dict) for v in value) else "、"
        return separator.join(value_text(v, key) for v in value)
    if isinstance(value, dict):
        if not value:
            return "—"
        if set(value) == {"old", "new"}:
            return f"{value_text(value['old'], key)} → {value_text(value['new'], key)}"
        return "，".join(f"{field_label(k)}：{value_text(v, k)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class PayloadField:
    label: str
    text: str


def payload_fields(payload) -> list[PayloadField]:
    """An event's payload as labelled fields. Changes (`changes`, `changed`) become one field each."""
    if not payload:
        return []
    if not isinstance(payload, dict):
        return [PayloadField("数据", value_text(payload))]
    fields: list[PayloadField] = []
    for key, value in payload.items():
        if key in ("changes", "changed") and isinstance(value, dict):
            for name, change in value.items():
                if isinstance(change, list) and len(change) == 2 and key == "changed":
                    text = f"{value_text(change[0])} → {value_text(change[1])}"
                    if name.startswith(("增加", "删除")):
                        text = "、".join(value_text(v) for v in change)
                else:
                    text = value_text(change, name)
                fields.append(PayloadField(field_label(name), text))
            continue
        if key in ("tallies", "categories") and isinstance(value, dict):
            for name, tally in value.items():
                label = tally.get("name") if isinstance(tally, dict) and tally.get("name") else name
                label = VALUE_LABELS["category"].get(label, label)
                shown = tally
                if isinstance(tally, dict):
                    shown = {k: v for k, v in tally.items() if k not in ("name", "outcome")}
                fields.append(PayloadField(f"{field_label(key)}·{label}", value_text(shown)))
            continue
        fields.append(PayloadField(field_label(key), value_text(value, key)))
    return fields
