"""200 concurrent staff ballots through gunicorn against PostgreSQL: throughput and latency.

Self-contained: a throwaway database (`xuanba_bench`) is created, migrated and seeded with one organization,
a case in 民主推荐 and an open 会议推荐 ballot box with 200 printed slip codes (through the services). Then
`gunicorn config.wsgi -w 2` serves the production settings (DEBUG off, static files collected into a temp
folder) on a free loopback port; 200 threads each GET the public slip page (CSRF cookie and token) and,
released together, POST one ballot with their code. Each POST's latency is measured; the database must hold
exactly 200 ballots. gunicorn is stopped and the database dropped in every case.

Run alone: `.venv/bin/python -m bench ballots`. Seeding runs in a subprocess against the bench database:
`python -m bench.bench_ballots seed` (used internally).
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"
BENCH_DB = "xuanba_bench"
BALLOTS = 200
WORKERS = 2
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# ---- seeding (runs in a subprocess with DATABASE_URL pointing at the bench database) -------------------


def seed() -> dict:
    """One organization, a case in 民主推荐 with three nominees, an open box with BALLOTS slip codes."""
    from datetime import date

    from django.contrib.auth.models import Group
    from django.utils import timezone
    from stdnum.cn import ric

    from accounts.models import User
    from accounts.roles import Role
    from selection.models import (
        AnnualAssessment,
        AssessmentResult,
        BallotBox,
        Cadre,
        Department,
        EducationLevel,
        EducationRecord,
        FamilyMember,
        Organization,
        ParticipantCategory,
        Post,
        PostHolding,
        Quota,
        Rank,
        ResumeEntry,
        SelectionCase,
        Sex,
    )
    from selection.services import cases, voting
    from selection.services.base import Actor

    today = timezone.localdate()
    org = Organization.objects.create(name="基准测试医疗保障局", short_name="测试局")
    department = Department.objects.create(organization=org, name="待遇保障科", order=1)
    office = Department.objects.create(organization=org, name="办公室", order=2)
    post = Post.objects.create(
        organization=org, department=department, title="科长", rank=Rank.CHIEF, order=1
    )
    deputy = Post.objects.create(
        organization=org, department=office, title="副科长", rank=Rank.DEPUTY, order=2
    )
    Quota.objects.create(organization=org, rank=Rank.CHIEF, approved=6)
    Quota.objects.create(organization=org, rank=Rank.DEPUTY, approved=8)

    def user(username: str, name: str, role: Role) -> User:
        account = User.objects.create_user(username=username, full_name=name, organization=org)
        account.groups.set([Group.objects.get_or_create(name=role.group_name)[0]])
        return account

    hr = Actor(user("bench_hr", "孙丽", Role.HR), "127.0.0.1")
    secretary = Actor(user("bench_shuji", "王建国", Role.SECRETARY), "127.0.0.1")
    cadres = []
    for index, name in enumerate(["陈晓明", "林静", "赵磊"]):
        born = date(1985 + index, 3, 10)
        body = f"330523{born:%Y%m%d}{index * 2 + 1:03d}"
        cadre = Cadre.objects.create(
            organization=org,
            department=department,
            name=name,
            sex=Sex.MALE,
            birth_date=born,
            id_number=body + ric.calc_check_digit(body + "?"),
            native_place="浙江安吉",
            birthplace="浙江安吉",
            work_started_on=date(born.year + 22, 7, 1),
        )
        PostHolding.objects.create(cadre=cadre, post=deputy, started_on=date(2021, 3, 1))
        for year in (2023, 2024, 2025):
            AnnualAssessment.objects.create(cadre=cadre, year=year, result=AssessmentResult.COMPETENT)
        EducationRecord.objects.create(
            cadre=cadre,
            kind=EducationRecord.Kind.FULL_TIME,
            level=EducationLevel.UNDERGRADUATE,
            school_and_major="浙江大学公共管理专业",
            graduated_on=date(born.year + 22, 6, 30),
        )
        ResumeEntry.objects.create(
            cadre=cadre, order=1, started_on=date(2008, 7, 1), text="安吉县医疗保障局科员"
        )
        FamilyMember.objects.create(cadre=cadre, relation="父亲", name=f"{name[0]}国华", order=1)
        cadres.append(cadre)

    case = cases.open_case(
        org,
        by=hr,
        title=f"{today.year}年基准测试批次（待遇保障科科长）",
        year=today.year,
        posts=[post],
        motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
        motion_date=today,
        analysis="基准测试：待遇保障科科长空缺。",
    )
    cases.approve_motion(case, by=secretary)
    case = cases.start_recommendation(case, by=hr)
    vacancy = case.vacancies.get()
    candidates = [cases.nominate(case, by=hr, cadre=c, vacancy=vacancy) for c in cadres]
    box = voting.create_ballot_box(
        case, by=hr, kind=BallotBox.Kind.RECOMMENDATION, title="会议推荐（基准测试）", held_on=today
    )
    codes = voting.issue_slips(box, by=hr, count=BALLOTS, category=ParticipantCategory.OTHER)
    voting.open_box(box, by=hr)
    return {"box": box.pk, "codes": codes, "candidates": [c.pk for c in candidates]}


# ---- the load ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start listening in time")


def _request(port: int, method: str, path: str, body: str | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body.encode() if body is not None else None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read().decode()
    finally:
        conn.close()


def _voter(port: int, code: str, pick: int, start: threading.Barrier) -> float:
    """GET the slip page for a CSRF cookie and token, wait for the others, POST the ballot: its latency."""
    try:
        status, cookie, html = _request(port, "GET", "/vote/")
        token = TOKEN_RE.search(html)
        csrf = re.search(r"csrftoken=([^;]+)", cookie)
        if status != 200 or not token or not csrf:
            raise RuntimeError(f"slip page: HTTP {status}, no CSRF token")
    except BaseException:
        start.abort()  # the others must not wait for this voter
        raise
    body = urlencode({"csrfmiddlewaretoken": token.group(1), "code": code, "submit": "1", "pick": str(pick)})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf.group(1)}",
    }
    start.wait(timeout=120)
    began = time.perf_counter()
    status, _cookie, html = _request(port, "POST", "/vote/", body, headers)
    latency = time.perf_counter() - began
    if status != 200 or "回执" not in html:
        raise RuntimeError(f"ballot: HTTP {status}, no receipt")
    return latency


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def run() -> str:
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"skipped: PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} ({reason})"
    database_url = f"postgres://postgres@{PG_HOST}:{PG_PORT}/{BENCH_DB}"
    tmp = Path(tempfile.mkdtemp(prefix="xuanba-bench-"))
    server: subprocess.Popen | None = None
    try:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
        (tmp / "static").mkdir()
        (tmp / "bench_ballots_settings.py").write_text(
            f"from config.settings import *  # noqa: F403\nSTATIC_ROOT = {str(tmp / 'static')!r}\n",
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "bench_ballots_settings",
            "DJANGO_ENV_FILE": str(tmp / "no.env"),  # nothing from a developer's .env
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "ERROR",
            "PYTHONPATH": os.pathsep.join([str(tmp), str(BASE_DIR)]),
        }

        def manage(*args: str) -> str:
            done = subprocess.run(
                [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600
            )
            if done.returncode:
                raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()[-800:]}")
            return done.stdout

        manage("manage.py", "migrate", "--noinput", "-v", "0")
        manage("manage.py", "collectstatic", "--noinput", "-v", "0")
        seeded = json.loads(manage("-m", "bench.bench_ballots", "seed").strip().splitlines()[-1])

        port = _free_port()
        server_log = (tmp / "gunicorn.log").open("wb")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-w",
                str(WORKERS),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
        )
        _wait_for(port, server)

        candidates = seeded["candidates"]
        start = threading.Barrier(BALLOTS + 1)
        with ThreadPoolExecutor(max_workers=BALLOTS) as pool:
            futures = [
                pool.submit(_voter, port, code, candidates[i % len(candidates)], start)
                for i, code in enumerate(seeded["codes"])
            ]
            with contextlib.suppress(threading.BrokenBarrierError):  # a failed voter: its error below
                start.wait(timeout=180)  # every voter has its token: release them together
            began = time.perf_counter()
            try:
                latencies = [f.result() for f in futures]
            except Exception:
                errors = [f.exception() for f in futures if f.exception() is not None]
                error = next(
                    (e for e in errors if not isinstance(e, threading.BrokenBarrierError)), errors[0]
                )
                log = (tmp / "gunicorn.log").read_text(errors="replace").strip()[-600:]
                raise RuntimeError(f"{error}; gunicorn: {log or 'no errors logged'}") from error
            wall = time.perf_counter() - began

        with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as db:
            stored = db.execute(
                "SELECT count(*) FROM selection_staffballot WHERE box_id = %s", [seeded["box"]]
            ).fetchone()[0]
            used = db.execute(
                "SELECT count(*) FROM selection_invitation WHERE box_id = %s AND used", [seeded["box"]]
            ).fetchone()[0]
        if (stored, used) != (BALLOTS, BALLOTS):
            raise RuntimeError(f"expected {BALLOTS} ballots, found {stored} (invitations used: {used})")
        return (
            f"{BALLOTS} concurrent ballots via gunicorn -w {WORKERS} + PostgreSQL: "
            f"{BALLOTS / wall:.1f} ballots/s (wall {wall:.2f} s), latency p50 "
            f"{statistics.median(latencies) * 1000:.0f} ms, p95 {_percentile(latencies, 0.95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms; {stored} stored"
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            server_log.close()
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB)))
        admin.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["seed"]:
        import django
        from django.db import transaction

        django.setup()
        with transaction.atomic():
            print(json.dumps(seed()))
    else:
        print(run())
