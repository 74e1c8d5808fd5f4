"""Journey 1: HR opens a case and takes it from the motion to the party group's decision.

The main leader approves the motion in between; a gate refuses with its rule message until the missing
item is on file, then lets the case through.
"""

import re

from playwright.sync_api import expect

from ..workflow import answer_negative_list, to_recommendation
from .pages import alert, fill_inspection, pick, upload

TODAY = "2026-11-26"


def test_hr_takes_a_case_from_the_motion_to_the_party_group(page, live_server, login, switch_user, world):
    # 动议: HR fills the motion form.
    login("hr")
    page.get_by_role("link", name="选拔任用").first.click()
    page.get_by_role("link", name="启动动议").click()
    expect(page.get_by_role("heading", name="启动动议")).to_be_visible()
    page.get_by_label("批次名称").fill("2026年第4批中层干部选拔任用")
    page.get_by_label("分管干部人事工作的领导提出建议").check()
    page.get_by_label("动议日期").fill(TODAY)
    page.get_by_label("分析研判情况").fill("待遇保障科科长空缺，经分析研判需尽快配备。")
    page.get_by_label(re.compile(r"^待遇保障科科长（正职）· 空缺")).check()
    page.get_by_role("button", name="启动动议").click()
    expect(alert(page)).to_contain_text("已启动动议“2026年第4批中层干部选拔任用”")
    expect(page.get_by_role("heading", level=1)).to_contain_text("动议")
    case_url = page.url.split("#")[0]
    # Nobody approved it yet: the motion panel says so and the checklist blocks on R-MOT-2.
    expect(page.locator("#stage-motion")).to_contain_text("待主要领导审批")
    expect(page.locator("#next-step")).to_contain_text("R-MOT-2")

    # The main leader approves the motion.
    switch_user(world.secretary.username)
    page.goto(case_url)
    page.get_by_role("button", name="同意启动（主要领导）").click()
    expect(alert(page)).to_contain_text("已同意启动该选拔任用工作。")
    expect(page.locator("#stage-motion")).to_contain_text("王建国于")
    expect(page.get_by_role("button", name="进入民主推荐")).to_have_count(0)  # HR's step, not theirs

    # 民主推荐: HR moves on and nominates three people.
    switch_user("hr")
    page.goto(case_url)
    page.get_by_role("button", name="进入民主推荐").click()
    expect(alert(page)).to_contain_text("已进入民主推荐。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("民主推荐")
    candidates = page.locator("#candidates")
    for name in ("陈晓明", "林静", "赵磊"):
        pick(candidates, "干部", name[:1], f"{name}（待遇保障科）")  # a surname finds them
        candidates.get_by_label("拟任职位").select_option(label="待遇保障科科长")
        candidates.get_by_role("button", name="提名").click()
        expect(alert(page)).to_contain_text(f"已将{name}列为“待遇保障科科长”的人选。")
    expect(page.locator("#candidates")).to_contain_text("3 人")

    # The conversation round, then the meeting round.
    rounds = [
        ("谈话调研推荐", "中层以上干部和下属单位负责人", (20, 18, 18), (12, 4, 2)),
        ("会议推荐", "全体在职干部职工和下属单位负责人", (45, 40, 39), (30, 6, 3)),
    ]
    for kind, scope, (expected, actual, valid), votes in rounds:
        panel = page.locator("#stage-recommendation")
        panel.get_by_text("录入推荐结果", exact=True).click()
        panel.get_by_label("推荐方式").select_option(label=kind)
        panel.get_by_label("推荐日期").fill(TODAY)
        panel.get_by_label("参加范围").fill(scope)
        panel.get_by_label("应参加人数").fill(str(expected))
        panel.get_by_label("实参加人数").fill(str(actual))
        panel.get_by_label("有效票数").fill(str(valid))
        for name, count in zip(("陈晓明", "林静", "赵磊"), votes, strict=True):
            panel.get_by_label(f"{name}（待遇保障科科长）").fill(str(count))
        panel.get_by_role("button", name="保存推荐结果").click()
        expect(alert(page)).to_contain_text("已录入推荐结果。")
        expect(page.locator("#stage-recommendation")).to_contain_text(f"{kind} · 2026年11月26日")

    # 进入考察 before the party group fixed the targets: refused, with the rule's message.
    page.get_by_role("button", name="进入考察").click()
    expect(alert(page)).to_contain_text("R-INS-1")
    expect(alert(page)).to_contain_text("不能继续：R-INS-1：党组尚未集体研究确定考察对象")
    expect(page.get_by_role("heading", level=1)).to_contain_text("民主推荐")

    # The negative list and the health attestation, on the first-placed candidate's page.
    page.locator("#candidates").get_by_role("link", name="陈晓明").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("陈晓明")
    negative = page.locator("#negative")
    for item in (
        "①违反政治纪律和政治规矩",
        "②群众公认度不高",
        "④有跑官、拉票等非组织行为",
        "⑦其他原因不宜提拔或使用",
    ):
        negative.get_by_role("group", name=item).get_by_label("否").check()
    negative.get_by_role("group", name=re.compile("^⑤配偶已移居")).get_by_label("否").check()
    negative.get_by_role("button", name="保存核查结果").click()
    expect(alert(page)).to_contain_text("已保存陈晓明的负面清单核查。")
    page.locator("#health").get_by_label("能够正常履行职责").check()
    page.locator("#health").get_by_role("button", name="保存").click()
    expect(alert(page)).to_contain_text("已保存陈晓明的身体条件。")
    expect(page.get_by_text("无此情形（孙丽确认）").first).to_be_visible()

    # The party group's decision on the targets, recorded by HR.
    page.get_by_role("link", name="返回批次").click()
    panel = page.locator("#stage-recommendation")
    panel.get_by_label("党组会议日期").fill(TODAY)
    panel.get_by_label("应到人数").fill("7")
    panel.get_by_label("实到人数").fill("6")
    panel.get_by_label("陈晓明（拟任待遇保障科科长）").check()
    panel.get_by_role("button", name="录入考察对象").click()
    expect(alert(page)).to_contain_text("已录入党组集体研究确定的考察对象。")
    expect(page.locator("#stage-recommendation")).to_contain_text("应到 7 人，实到 6 人")

    # Now the same button lets the case through.
    page.get_by_role("button", name="进入考察").click()
    expect(alert(page)).to_contain_text("已进入考察。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("考察")

    # 提交党组讨论决定 is refused while the inspection is not on file.
    page.get_by_role("button", name="提交党组讨论决定").click()
    expect(alert(page)).to_contain_text("R-INS-")
    expect(page.get_by_role("heading", level=1)).to_contain_text("考察")

    # The inspection, recorded on the candidate page, with its two attachments.
    page.locator("#stage-inspection").get_by_role("link", name="录入考察情况").click()
    fill_inspection(page, team=[m.get_full_name() for m in world.team], on=TODAY)
    page.get_by_role("button", name="保存考察情况").click()
    expect(alert(page)).to_contain_text("已保存陈晓明的考察情况。")
    candidate_url = page.url.split("#")[0]
    for kind, title in (
        ("干部人事档案任前审核登记表", "陈晓明档案审核登记表"),
        ("考察材料", "陈晓明考察材料"),
    ):
        upload(page, kind=kind, title=title)
        expect(alert(page)).to_contain_text(f"已上传“{title}”")
        assert page.url.split("#")[0] == candidate_url  # the upload returns to the page it came from
    expect(page.get_by_role("region", name="附件")).to_contain_text("陈晓明考察材料")
    page.get_by_role("navigation", name="当前位置").get_by_role("link").last.click()  # back to the case
    expect(page.locator("#documents")).to_contain_text("陈晓明考察材料")
    expect(page.locator("#stage-inspection")).not_to_contain_text("没有考察对象")

    # Everything is on file: the case goes to the party group.
    expect(page.locator("#next-step")).not_to_contain_text("项未满足")
    page.get_by_role("button", name="提交党组讨论决定").click()
    expect(alert(page)).to_contain_text("已提交党组讨论决定。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("讨论决定")
    expect(page.locator("#candidates")).to_contain_text("提交讨论")


def test_the_candidate_checklist_names_each_negative_list_item_once(page, live_server, login, world):
    to_recommendation(world)
    answer_negative_list(world, world.candidates[0])
    login("hr")
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}candidates/{world.candidates[0].pk}/")
    checklist = page.get_by_role("region", name="该人选的检查清单")
    line = checklist.get_by_role("listitem").filter(has_text="①")
    expect(line).to_contain_text("无此情形（孙丽确认）")
    expect(line).not_to_contain_text("：R-INS-2", timeout=2000)
