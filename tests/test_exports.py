"""Background exports: the case file requested on the page, built by the task, polled, downloaded, reused."""

import hashlib
import io
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest
from django.urls import reverse

from selection.exports import EXPORT_KINDS, ExportFile
from selection.models import CaseStatus, ExportJob
from selection.pdf.common import DocumentUnavailable
from selection.services.base import Actor, ServiceError, record_event
from selection.services.exports import request_export, run_export_job

from . import test_pdf_builders as build

BUILDS: list[int] = []  # job pks the fake builder was called for
SEEN_PROGRESS: list[int] = []


def fake_build(job, progress) -> ExportFile:
    BUILDS.append(job.pk)
    progress(0.5)
    SEEN_PROGRESS.append(ExportJob.objects.get(pk=job.pk).progress)  # what a polling page reads meanwhile
    return ExportFile(b"%PDF-1.4 fake " + str(job.pk).encode(), f"{job.case.title}-一批一档.pdf")


def unavailable_build(job, progress):
    raise DocumentUnavailable("该批次尚无可归档的文书。")


def broken_build(job, progress):
    raise RuntimeError("disk full")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    BUILDS.clear()
    SEEN_PROGRESS.clear()


def _use_builder(monkeypatch, name: str) -> None:
    kind = EXPORT_KINDS["case-file"]
    monkeypatch.setitem(EXPORT_KINDS, kind.key, replace(kind, builder=f"{__name__}.{name}"))


@pytest.fixture
def case(org, hr):
    return build.build_case(org, hr, stage=CaseStatus.INSPECTION, photo=False)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_hr_requests_the_case_file_and_downloads_it_from_the_progress_page(client, org, hr, case):
    """The request returns a redirect to the job's page at once; the task (inline in tests) builds the real
    PDF; the page offers the download; the file is the stored one, its SHA-256 in the header."""
    client.force_login(hr)
    response = client.post(reverse("case_export", args=[case.pk, "case-file"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and reverse("export_job_file", args=[job.pk]) in page and job.sha256 in page
    download = client.get(reverse("export_job_file", args=[job.pk]))
    data = _body(download)
    assert download["X-Content-SHA256"] == hashlib.sha256(data).hexdigest() == job.sha256
    assert "attachment" in download["Content-Disposition"]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "")
    assert "一批一档" in text and case.title in text
    assert job.progress == 100 and job.requested_by == hr and job.organization == org


def test_the_file_is_reused_while_the_record_head_is_unchanged_and_rebuilt_after_a_new_event(
    monkeypatch, hr, auditor, case
):
    _use_builder(monkeypatch, "fake_build")
    first = request_export(hr, "case-file", case=case)
    again = request_export(auditor, "case-file", case=case)  # another reader of the same case file
    assert again.pk == first.pk and [first.pk] == BUILDS
    record_event(case, by=Actor(hr), action="note", summary="补充材料")
    fresh = request_export(hr, "case-file", case=case)
    assert fresh.pk != first.pk and [first.pk, fresh.pk] == BUILDS
    assert fresh.status == ExportJob.Status.DONE and fresh.sha256 != first.sha256


def test_a_queued_job_is_joined_not_duplicated(monkeypatch, settings, hr, case):
    """Without a worker running (the database backend), a second request joins the queued job."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    first = request_export(hr, "case-file", case=case)
    second = request_export(hr, "case-file", case=case)
    assert first.pk == second.pk and first.status == ExportJob.Status.QUEUED and first.task_id


def test_progress_is_written_to_the_job_while_it_builds(monkeypatch, hr, case):
    _use_builder(monkeypatch, "fake_build")
    job = request_export(hr, "case-file", case=case)
    assert SEEN_PROGRESS == [47]  # 0.5 of the 95 % before the file is stored
    assert job.progress == 100 and job.status == ExportJob.Status.DONE


def test_the_status_partial_polls_until_done_then_offers_the_file(
    client, settings, monkeypatch, hr, case, django_assert_max_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    job = request_export(hr, "case-file", case=case)
    client.force_login(hr)
    url = reverse("export_job_status", args=[job.pk])
    # session, user, its two OTP device lookups, its groups (roles), the job with its case and requester,
    # the idle-timeout session save (savepoint, update, release)
    with django_assert_max_num_queries(9):
        waiting = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "排队中" in waiting and "下载" not in waiting
    _use_builder(monkeypatch, "fake_build")
    run_export_job(job.pk)
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done and "已完成" in done and reverse("export_job_file", args=[job.pk]) in done


def test_the_job_page_costs_the_same_queries_for_a_small_and_a_large_case(
    client, monkeypatch, org, hr, django_assert_max_num_queries
):
    _use_builder(monkeypatch, "fake_build")
    client.force_login(hr)
    for candidates in (1, 4):
        case = build.build_case(org, hr, candidates=candidates, stage=CaseStatus.INSPECTION, photo=False)
        job = request_export(hr, "case-file", case=case)
        # session, user, its two OTP device lookups, its groups (roles), the job with its case and requester,
        # the navigation's groups, the idle-timeout session save (savepoint, update, release)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("export_job", args=[job.pk])).status_code == 200


def test_a_document_that_cannot_be_built_fails_with_its_message_and_is_not_reused(
    monkeypatch, client, hr, case
):
    _use_builder(monkeypatch, "unavailable_build")
    job = request_export(hr, "case-file", case=case)
    assert job.status == ExportJob.Status.FAILED and job.error == "该批次尚无可归档的文书。"
    client.force_login(hr)
    assert "该批次尚无可归档的文书。" in client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert client.get(reverse("export_job_file", args=[job.pk])).status_code == 404
    _use_builder(monkeypatch, "fake_build")
    retry = request_export(hr, "case-file", case=case)
    assert retry.pk != job.pk and retry.status == ExportJob.Status.DONE


def test_an_unexpected_error_fails_the_job_with_a_chinese_message(monkeypatch, hr, case):
    _use_builder(monkeypatch, "broken_build")
    job = request_export(hr, "case-file", case=case)
    assert job.status == ExportJob.Status.FAILED and "生成文件时出错" in job.error and not job.file


def test_who_may_request_and_download(monkeypatch, client, hr, member, auditor, outsider, case):
    _use_builder(monkeypatch, "fake_build")
    with pytest.raises(ServiceError):
        request_export(member, "case-file", case=case)
    with pytest.raises(ServiceError):
        request_export(hr, "no-such-export", case=case)
    job = request_export(hr, "case-file", case=case)
    url = reverse("export_job_file", args=[job.pk])
    client.force_login(auditor)
    assert _body(client.get(url)).startswith(b"%PDF")
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(reverse("case_export", args=[case.pk, "case-file"])).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(reverse("case_export", args=[case.pk, "case-file"])).status_code == 404
    assert ExportJob.objects.count() == 1


def test_the_daily_job_clears_old_files_and_fails_jobs_a_lost_worker_left(monkeypatch, settings, hr, case):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    _use_builder(monkeypatch, "fake_build")
    done = request_export(hr, "case-file", case=case)
    path = done.file.path
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    record_event(case, by=Actor(hr), action="note", summary="补充材料")
    stuck = request_export(hr, "case-file", case=case)  # queued; no worker will ever run it
    ExportJob.objects.filter(pk=done.pk).update(finished_at=timezone.now() - timedelta(days=8))
    ExportJob.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    call_command("run_daily")  # enqueued, and run at once by the immediate backend
    done.refresh_from_db()
    stuck.refresh_from_db()
    assert done.status == ExportJob.Status.FAILED and "保存期限" in done.error and not done.file
    assert not Path(path).exists()
    assert stuck.status == ExportJob.Status.FAILED and "中断" in stuck.error
    # the next request for the case builds afresh
    _use_builder(monkeypatch, "fake_build")
    assert request_export(hr, "case-file", case=case).status == ExportJob.Status.DONE
