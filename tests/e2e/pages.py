"""What several journeys do on the same screens, written once."""

from playwright.sync_api import Locator, Page

# The smallest file the upload service accepts as a PDF (it reads the bytes, not the name).
TINY_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def alert(page: Page) -> Locator:
    """The flash messages at the top of the page (success, warning and error alike)."""
    return page.locator("main > .alert[role=alert]")


def upload(page: Page, *, kind: str, title: str, form: str = "candidate") -> None:
    """Attach a small PDF through the page's upload form (`form`: the form's upload_id)."""
    page.locator(f"#upload-kind-{form}").select_option(label=kind)
    page.locator(f"#upload-title-{form}").fill(title)
    page.locator(f"#upload-file-{form}").set_input_files(
        files=[{"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    page.locator(f"#upload-file-{form}").locator("xpath=ancestor::form").get_by_role(
        "button", name="上传附件"
    ).click()


def pick(scope: Locator, label: str, query: str, option: str) -> None:
    """Choose in a search picker (Tom Select over selection/widgets.py): type, wait for the server's
    matches, click the one whose text contains `option`."""
    # Tom Select's text box (the <select> it replaces is a combobox too until the script has run)
    control = scope.get_by_role("combobox", name=label, exact=True).and_(scope.locator("input"))
    control.fill(query)
    scope.locator(".ts-dropdown .option").filter(has_text=option).first.click()
    control.press("Escape")  # a multiple picker keeps its list open over the form, as for a user


def fill_inspection(page: Page, *, team: list[str], on: str) -> None:
    """The candidate page's 考察情况 form, filled as tests/workflow.complete_inspection does."""
    form = page.locator("#inspection")
    for name in team:
        pick(form, "考察组成员", name, name)
    values = {
        "考察开始日期": on,
        "考察预告发布日期": on,
        "预告范围": "局机关全体干部职工",
        "监督举报电话": "0572-5123456、12380",
        "测评应参加人数": "40",
        "测评实参加人数": "38",
        "同意提拔票": "36",
        "不同意提拔票": "2",
        "优秀票": "20",
        "称职票": "16",
        "基本称职票": "2",
        "不称职票": "0",
        "征求意见情况": "征求意见情况良好。",
        "审核人": "孙丽",
        "审核日期": on,
        "纪检监察意见日期": on,
        "纪检监察意见": "未发现违反党风廉政建设规定的问题。",
        "个人有关事项报告查核日期": on,
        "查核结果": "如实报告",
        "预审日期": on,
        "预审意见": "同意",
    }
    for label, value in values.items():
        form.get_by_label(label, exact=True).fill(value)
    for item in (
        "出生日期",
        "入党时间",
        "参加工作时间",
        "学历学位",
        "工作经历",
        "干部身份",
        "反映问题已查清",
    ):
        form.get_by_label(item, exact=True).check()
    form.get_by_label("廉政意见", exact=True).select_option(label="无影响")
