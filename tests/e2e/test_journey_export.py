"""Journey: HR asks for the case file; the page returns at once with a progress bar that htmx keeps polling;
when the worker has built the file the card offers the download, without reloading the page."""

from dataclasses import replace

from playwright.sync_api import expect

from selection.exports import EXPORT_KINDS, ExportFile
from selection.models import ExportJob
from selection.services.exports import run_export_job

from ..workflow import to_recommendation


def quick_build(job, progress) -> ExportFile:
    progress(0.5)
    return ExportFile(b"%PDF-1.4 journey", f"{job.case.title}-一批一档.pdf")


def test_the_case_file_is_built_in_the_background_and_offered_when_ready(
    page, live_server, login, world, settings, monkeypatch
):
    kind = EXPORT_KINDS["case-file"]
    monkeypatch.setitem(EXPORT_KINDS, kind.key, replace(kind, builder=f"{__name__}.quick_build"))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # no worker yet
    case = to_recommendation(world)
    login("hr")
    page.goto(live_server.url + case.get_absolute_url())
    page.get_by_role("button", name="一批一档（案卷，后台生成）").click()
    status = page.locator("#export-status")
    expect(status).to_contain_text("排队中")
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_role("link", name="下载")).to_have_count(0)

    run_export_job(ExportJob.objects.get().pk)  # the worker picks it up

    expect(status).to_contain_text("已完成", timeout=10_000)  # htmx polled the card, no reload
    download = page.get_by_role("link", name=f"下载 {case.title}-一批一档.pdf")
    with page.expect_download() as caught:
        download.click()
    assert caught.value.suggested_filename == f"{case.title}-一批一档.pdf"
