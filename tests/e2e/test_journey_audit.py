"""Journey 4: the auditor verifies the record and downloads the case file (一批一档), whose PDF text is
checked."""

import pdfplumber
import pytest
from playwright.sync_api import expect

from selection.models import Document

from ..workflow import to_notice
from .pages import alert


@pytest.fixture
def published(world, auditor):
    """A case at 公示: motion to notice, every step recorded in the chained record.

    tests/workflow.attach files its attachments with a placeholder digest ("0" × 64), which the audit
    page rightly flags; here they carry the digest of what is stored, as an upload would."""
    to_notice(world)
    for document in Document.objects.filter(case=world.case):
        Document.objects.filter(pk=document.pk).update(sha256=document.current_digest())
    return world


def open_the_case_record(page, login) -> None:
    login("auditor")
    page.get_by_role("link", name="纪实核验").click()
    expect(page.get_by_role("heading", name="纪实核验")).to_be_visible()
    # The list shows stored results; a case not yet checked is verified on demand, which opens its record.
    expect(page.get_by_role("status")).to_contain_text("本页 1 个批次，其中 1 个尚未核验。")
    row = page.get_by_role("row").filter(has_text="2026年第3批中层干部选拔任用")
    expect(row).to_contain_text("公示")
    row.get_by_role("button", name="立即核验").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("纪实记录")
    page.get_by_role("link", name="纪实核验").first.click()
    expect(page.get_by_role("status")).to_contain_text("本页 1 个批次，纪实记录和归档文书均完整。")
    row = page.get_by_role("row").filter(has_text="2026年第3批中层干部选拔任用")
    expect(row).to_contain_text("✓ 完整")
    row.get_by_role("link", name="查看记录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("纪实记录")


def test_the_auditor_sees_the_chain_verified_and_downloads_the_case_file_naming_the_candidate(
    page, live_server, login, published
):
    open_the_case_record(page, login)
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("核验结果：✓ 共")
    expect(verdict).to_contain_text("链条完整，未发现篡改；")
    expect(verdict).to_contain_text("个链头签名有效。")
    expect(page.get_by_role("row").filter(has_text="发布任职前公示")).to_contain_text("孙丽")
    expect(page.locator("main")).not_to_contain_text("publish_notice")  # actions read in Chinese
    expect(alert(page)).to_have_count(0)

    # The case file is offered on the case page, next to the other official documents.
    page.locator("nav.navbar").get_by_role("link", name="选拔任用").click()
    page.get_by_role("link", name="2026年第3批中层干部选拔任用").first.click()
    documents = page.get_by_role("region", name="正式文书（PDF）")
    documents.get_by_role("button", name="一批一档（案卷，后台生成）").click()  # built by the task worker
    expect(page.locator("#export-status")).to_contain_text("已完成", timeout=60_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 2026年第3批中层干部选拔任用-一批一档.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "2026年第3批中层干部选拔任用-一批一档.pdf"
    with pdfplumber.open(download.path()) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "陈晓明" in text
    assert "核验通过" in text
    assert "链条完整，未发现篡改。" in text
