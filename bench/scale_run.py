"""One size of the scale benchmark, in its own process (bench/bench_scale.py starts it): recreate the
database, migrate, bulk-load, then request each page and print JSON.

BENCH_SCALE_SERVER=gunicorn (the default) serves the pages from gunicorn (2 sync workers, DEBUG off, as the
issue measured) and requests them over HTTP; "RSS" is then the largest worker's resident memory after the page
and "peak" its high-water mark. BENCH_SCALE_SERVER=client uses Django's test client in this process instead.
"""

import atexit
import http.client
import json
import os
import resource
import socket
import statistics
import sys
import time

PAGE_BUDGET = 40.0  # seconds per page at most (at least 2 runs), so a slow page cannot stall the run


def _recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _loaded_ids(url: str) -> dict | None:
    """The ids a previous load of this database stored (BENCH_SCALE_REUSE), or None."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT ids FROM bench_scale_ids WHERE to_regclass('bench_scale_ids') IS NOT NULL"
            ).fetchone()
    except psycopg.Error:
        return None
    return json.loads(row[0]) if row else None


def _store_ids(ids: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale_ids (ids text)")
        cursor.execute("DELETE FROM bench_scale_ids")
        cursor.execute("INSERT INTO bench_scale_ids VALUES (%s)", [json.dumps(ids)])


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def p95(ordered: list[float]) -> float:
    """The 95th percentile of sorted times (the nearest rank below)."""
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class _Response:
    def __init__(self, status_code: int, body: bytes):
        self.status_code, self.content, self.streaming = status_code, body, False


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost", timeout=120)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class Gunicorn:
    """gunicorn serving bench.scale_settings on a Unix socket, as behind nginx in production (a TCP socket
    on loopback adds a 40 ms delayed-ACK stall to small responses, which would swamp the bare view);
    GET pages with a session cookie per role."""

    WORKERS = 2

    def __init__(self):
        import subprocess
        import tempfile

        self.socket_path = os.path.join(tempfile.mkdtemp(prefix="xuanba-bench-"), "gunicorn.sock")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.scale_settings"}
        # Its output goes to a file, not to our pipes: a server left behind would otherwise hold the pipes
        # bench_scale reads to the end, and the benchmark would wait for ever.
        self.log_path = os.path.join(os.path.dirname(self.socket_path), "gunicorn.log")
        self.log = open(self.log_path, "w")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "config.wsgi",
                f"--workers={self.WORKERS}",
                "--worker-class=sync",
                "--timeout=120",
                f"--bind=unix:{self.socket_path}",
                "--log-level=warning",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        atexit.register(self.stop)  # also when a measurement fails
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz", None).status_code == 200 and len(self._workers()) == self.WORKERS:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            self.stop()
            with open(self.log_path) as log:
                raise RuntimeError(f"gunicorn did not start: {log.read()[-2000:]}")

    def get(self, path: str, cookie: str | None) -> _Response:
        import urllib.parse

        connection = _UnixConnection(self.socket_path)
        headers = {"Host": "127.0.0.1"}
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        try:
            connection.request("GET", urllib.parse.quote(path, safe="/?=&%"), headers=headers)
            response = connection.getresponse()
            return _Response(response.status, response.read())
        finally:
            connection.close()

    def _workers(self) -> list[int]:
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as handle:
                return [int(pid) for pid in handle.read().split()]
        except OSError:
            return []

    def memory_mb(self) -> tuple[float, float]:
        """The largest worker's resident memory and high-water mark, in MB."""
        rss = peak = 0.0
        for pid in self._workers():
            fields = {}
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    key, _, value = line.partition(":")
                    fields[key] = value
            rss = max(rss, int(fields["VmRSS"].split()[0]) / 1024)
            peak = max(peak, int(fields["VmHWM"].split()[0]) / 1024)
        return rss, peak

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


_BUILD = """
import os, sys, time, django
django.setup()
from selection.services.exports import run_export_job
t0 = time.perf_counter()
status = run_export_job(int(sys.argv[1]))
print("BUILD:%s:%.3f" % (status, time.perf_counter() - t0))
"""


# While the worker builds a case file, 我的待办 is requested (gunicorn only): "paced" once every
# BENCH_SCALE_PACE seconds (default 0.25: four requests a second, more than a county bureau's whole office
# sends), "saturating" back to back, so one core serves pages the whole time and the build has the other.
LOADS = ("quiet", "paced", "saturating")


def _export(client, ids: dict, case_id: int, during=None, load: str = "quiet") -> dict:
    """Request the case file (the request only enqueues), then run the worker's job in its own process, as
    the task worker does, and time it; `during()` requests a page meanwhile (`load`: see LOADS) to show
    the site still answering at its usual speed."""
    import subprocess

    from accounts.models import User
    from selection.models import ExportJob
    from selection.services.exports import request_export

    ExportJob.objects.filter(case_id=case_id).delete()  # a reused database keeps earlier jobs
    client.get("/", secure=True)  # this process's first request loads the URLconf (gunicorn's at start)
    t0 = time.perf_counter()
    response = client.post(f"/cases/{case_id}/exports/case-file", secure=True)
    request_ms = (time.perf_counter() - t0) * 1000
    job = ExportJob.objects.filter(case_id=case_id).order_by("-pk").first()
    status, build_s, meanwhile = "missing", 0.0, []
    if job:
        worker = subprocess.Popen(
            [sys.executable, "-c", _BUILD, str(job.pk)],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.scale_settings"},
            stdout=subprocess.PIPE,
            text=True,
        )
        pace = float(os.environ.get("BENCH_SCALE_PACE", "0.25")) if load == "paced" else 0.0
        while during is not None and load != "quiet" and worker.poll() is None:
            started = time.perf_counter()
            during()
            elapsed = time.perf_counter() - started
            meanwhile.append(elapsed * 1000)
            time.sleep(max(0.0, pace - elapsed))
        out, _ = worker.communicate()
        for line in out.splitlines():
            if line.startswith("BUILD:"):
                _, status, seconds = line.split(":")
                build_s = float(seconds)
    job = ExportJob.objects.get(pk=job.pk) if job else None
    again = request_export(User.objects.get(pk=ids["hr"]), "case-file", case=job.case) if job else None
    return {
        "load": load,
        "request_ms": request_ms,
        "request_status": response.status_code,
        "build_s": build_s,
        "status": status,
        "error": job.error if job else "",
        "bytes": job.size if job else 0,
        "reused": bool(again and again.pk == job.pk),
        "meanwhile_ms": statistics.median(meanwhile) if meanwhile else None,
        "meanwhile_runs": len(meanwhile),
    }


def _frozen_case(ids: dict) -> int:
    """A copy of the case-file case past 考察: its 10 审批表 frozen as official copies (as
    submit_for_decision stores them), which the case file merges instead of laying them out again."""
    from accounts.models import User
    from selection.models import Candidate, CandidateStatus, CaseStatus, Document, SelectionCase, Vacancy
    from selection.pdf.adapters import render_approval_form
    from selection.pdf.official import store_official_copy

    source = SelectionCase.objects.get(pk=ids["file_case"])
    hr = User.objects.get(pk=ids["hr"])
    case = SelectionCase.objects.create(
        organization_id=source.organization_id,
        title="2026年第二批中层干部选拔任用（10名人选，审批表已存档）",
        year=2026,
        status=CaseStatus.DECISION,
        motion_origin=source.motion_origin,
        motion_date=source.motion_date,
        created_by=hr,
    )
    vacancy = Vacancy.objects.create(case=case, post=source.vacancies.first().post)
    for old in source.candidates.order_by("pk"):
        candidate = Candidate.objects.create(
            case=case, vacancy=vacancy, cadre_id=old.cadre_id, status=CandidateStatus.PROPOSED
        )
        store_official_copy(
            case,
            kind=Document.Kind.APPROVAL_FORM,
            title=f"{candidate.cadre.name}干部任免审批表（提交党组会议）",
            pdf_bytes=render_approval_form(candidate),
            by=hr,
            candidate=candidate,
        )
    return case.pk


def _signed_in(user):
    """A client whose session passed the second factor, as every production session has (django-otp
    reads the session's device on each request)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="基准测试", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def main(size: int, runs: int) -> dict:
    url = os.environ["DATABASE_URL"]
    # BENCH_SCALE_REUSE=1 keeps a database loaded at this size by an earlier run (migrating it forward).
    reused = _loaded_ids(url) if os.environ.get("BENCH_SCALE_REUSE") else None
    if reused is None or reused.get("size") != size:
        reused = None
        _recreate(url)
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.scale_settings"
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    from bench.scale_load import load

    started = time.perf_counter()
    if reused is None:
        ids = {**load(size), "size": size}
        _store_ids(ids)
    else:
        ids = reused
    loaded = time.perf_counter() - started
    from accounts.models import User

    setup_test_environment()
    clients = {}
    for role in ("hr", "auditor", "admin"):
        clients[role] = _signed_in(User.objects.get(pk=ids[role]))
    anonymous = Client()
    server = Gunicorn() if os.environ.get("BENCH_SCALE_SERVER", "gunicorn") == "gunicorn" else None

    def fetch(client, path):
        if server is None:
            return client.get(path, secure=True)
        cookie = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
        return server.get(path, cookie)

    def memory() -> tuple[float, float]:
        if server is not None:
            return server.memory_mb()
        return _rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    pages = [
        ("bare view (one indexed lookup)", anonymous, f"/bench/bare/{ids['cadre']}"),
        ("bare view, signed in", clients["hr"], f"/bench/bare-signed-in/{ids['cadre']}"),
        ("bare view in the site's layout", clients["hr"], f"/bench/bare-layout/{ids['cadre']}"),
        ("admin changelist: cadres", clients["admin"], "/admin/selection/cadre/"),
        ("admin changelist: users", clients["admin"], "/admin/accounts/user/"),
        ("case page at 动议", clients["hr"], f"/cases/{ids['motion_case']}/"),
        ("case page at 民主推荐", clients["hr"], f"/cases/{ids['recommendation_case']}/"),
        ("picker search (cadres, 王)", clients["hr"], "/picker/cadres?q=王"),
        ("我的待办 (HR)", clients["hr"], "/"),
        ("我的待办 (HR) without dashboard", clients["hr"], "/bench/home-without-dashboard"),
        ("case list", clients["hr"], "/cases/"),
        ("case list filtered by post", clients["hr"], "/cases/?post=处长"),
        ("case list, last page", clients["hr"], "/cases/?page=last"),
        ("cadre list", clients["hr"], "/cadres/"),
        ("cadre list, last page", clients["hr"], "/cadres/?page=last"),
        ("audit, all cases", clients["auditor"], "/audit/"),
        # issue 15: the register's pages
        ("干部结构分析", clients["hr"], "/cadres/structure/"),
        ("cadre list, pinyin search", clients["hr"], "/cadres/?q=wang"),
        ("cadre list by name, last page", clients["hr"], "/cadres/?sort=name&page=last"),
        ("cadre list, 试用期本月到期", clients["hr"], "/cadres/?probation=this_month"),
        ("cadre list, 满5年应交流", clients["hr"], "/cadres/?rotation=due"),
        ("vacant posts (预警)", clients["hr"], "/supervision/vacant_posts/"),
        ("stale cases (预警)", clients["hr"], "/supervision/stale_cases/"),
        (
            "花名册 page (count)",
            clients["hr"],
            "/cadres/roster/?department=" + str(ids.get("department", "")),
        ),
        ("花名册 page, all cadres", clients["hr"], "/cadres/roster/"),
        ("导出Excel, all cadres (→ 花名册)", clients["hr"], "/cadres/export.xlsx"),
        ("试用期本月到期 (dashboard card)", clients["hr"], "/probation/?ends=this_month"),
    ]
    if only := [part for part in os.environ.get("BENCH_SCALE_ONLY", "").split(",") if part]:
        # Just these pages (label substrings), beside the bare view and the admin changelists.
        pages = pages[:4] + [page for page in pages[4:] if any(part in page[0] for part in only)]
    # BENCH_SCALE_SKIP: labels (or parts of them, comma-separated) of pages not to request, e.g. one
    # measured elsewhere; they are reported as skipped.
    skip = [word for word in os.environ.get("BENCH_SCALE_SKIP", "").split(",") if word]
    measured = [page for page in pages if not any(word in page[0] for word in skip)]
    times: dict[str, list[float]] = {label: [] for label, _, _ in measured}
    spent = dict.fromkeys(times, 0.0)
    seen: dict[str, tuple[int, int]] = {}  # label → (status, bytes) of its last response
    rss: dict[str, tuple[float, float]] = {}

    def request(label: str, client, path: str) -> float:
        t0 = time.perf_counter()
        response = fetch(client, path)
        elapsed = time.perf_counter() - t0
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[label] = (response.status_code, len(body))
        rss[label] = memory()
        return elapsed

    for label, client, path in measured:  # one warm-up request each, not counted
        request(label, client, path)
    # Passes over every page in turn (not one page's runs back to back), so a burst of this machine's
    # noise falls on all pages alike instead of on the one being measured.
    for _ in range(runs):
        for label, client, path in measured:
            if spent[label] > PAGE_BUDGET and len(times[label]) >= 2:
                continue
            elapsed = request(label, client, path)
            times[label].append(elapsed)
            spent[label] += elapsed
    results = []
    for label, _, _ in pages:
        if label not in times:
            results.append(
                {
                    "page": label,
                    "status": "skipped",
                    "median_ms": None,
                    "p95_ms": None,
                    "runs": 0,
                    "times_ms": [],
                    "bytes": 0,
                    "rss_mb": memory()[0],
                    "peak_rss_mb": 0,
                }
            )
            continue
        ordered = sorted(times[label])
        results.append(
            {
                "page": label,
                "status": seen[label][0],
                "median_ms": statistics.median(ordered) * 1000 if ordered else None,
                "p95_ms": p95(ordered) * 1000 if ordered else None,
                "runs": len(ordered),
                "times_ms": [t * 1000 for t in times[label]],
                "bytes": seen[label][1],
                "rss_mb": rss[label][0],
                "peak_rss_mb": rss[label][1],
            }
        )
    # The case file: the request only enqueues (database backend); the worker's job is timed separately.
    if "frozen_case" not in ids:  # added to a reused database once
        ids["frozen_case"] = _frozen_case(ids)
        _store_ids(ids)
    # Meanwhile (gunicorn): 我的待办 requested while the worker builds the file, under each load.
    during = (lambda: fetch(clients["hr"], "/")) if server is not None else None
    loads = LOADS if server is not None else ("quiet",)
    # The quiet build three times (BENCH_SCALE_EXPORT_RUNS): this machine's speed varies by ±20 %.
    quiet = [
        _export(clients["hr"], ids, ids["file_case"])
        for _ in range(int(os.environ.get("BENCH_SCALE_EXPORT_RUNS", "3")))
    ]
    quiet.sort(key=lambda e: e["build_s"])
    exports, frozen = [], None
    if quiet:  # BENCH_SCALE_EXPORT_RUNS=0: pages only
        exports = [
            {**quiet[len(quiet) // 2], "builds_s": [e["build_s"] for e in quiet]},
            *(_export(clients["hr"], ids, ids["file_case"], during, load) for load in loads[1:]),
        ]
        frozen = _export(clients["hr"], ids, ids["frozen_case"], during, "paced" if server else "quiet")
    if server is not None:
        server.stop()
    return {
        "size": size,
        "server": "gunicorn" if server is not None else "test client",
        "ids": ids,
        "migrate_s": migrated,
        "load_s": loaded,
        "pages": results,
        "exports": exports,
        "export_frozen": frozen,
    }


if __name__ == "__main__":
    print("JSON:" + json.dumps(main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 5)))
