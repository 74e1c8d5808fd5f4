"""Province scale (issue 11): each page's median and p95 at 1,000 and 100,000 cadres (200 and 20,000
cases, 45 % open), beside a bare view doing one indexed lookup and the admin changelist in the same run,
with the growth from the small to the large size; and the case file's background export.

Each size runs in its own process (bench/scale_run.py) against PostgreSQL database `xuanba_scale_bench`
(dropped and recreated; override with BENCH_SCALE_DATABASE_URL), DEBUG off, served by gunicorn (2 sync
workers, as the issue measured; "RSS" is the largest worker's memory after the page, "peak" its high-water
mark) or, with BENCH_SCALE_SERVER=client, through Django's test client in one process.
Sizes: BENCH_SCALE_SIZES (default "1000,100000"); passes over the pages per round: BENCH_SCALE_RUNS
(default 10); rounds over the sizes in turn: BENCH_SCALE_ROUNDS (default 2), each page's runs pooled per
size. BENCH_SCALE_EXPORT_RUNS=0: pages only.
BENCH_SCALE_REUSE=1 keeps one database per size (`<name>_<size>`) loaded by an earlier run and only
migrates it forward, so a re-measurement after a change skips the load.
BENCH_SCALE_ONLY: only the pages whose label contains one of these comma-separated parts.
The case file is built while 我的待办 is requested not at all (three builds, BENCH_SCALE_EXPORT_RUNS: the
median), four times a second (BENCH_SCALE_PACE) and back to back (scale_run.LOADS); the frozen-审批表
case under the paced load.
Not part of CI: about 5–10 minutes on two cores.
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xuanba_scale_bench"


def _url(size: int) -> str:
    """One database per size when reusing loads (BENCH_SCALE_REUSE=1): `<name>_<size>`."""
    url = os.environ.get("BENCH_SCALE_DATABASE_URL", DEFAULT_URL)
    return f"{url}_{size}" if os.environ.get("BENCH_SCALE_REUSE") else url


def _run_size(size: int, runs: int, *, exports: bool = True) -> dict:
    env = {
        **os.environ,
        **({} if exports else {"BENCH_SCALE_EXPORT_RUNS": "0"}),
        "DATABASE_URL": _url(size),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "scale-benchmark-only-not-a-secret-0123456789",
        "XUANBA_REQUIRE_2FA": "true",  # as in production: every session below passed its second factor
        "XUANBA_LOGIN_THROTTLE": "false",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale_run", str(size), str(runs)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("JSON:"):
            return json.loads(line[5:])
    raise RuntimeError(f"size {size} failed: {done.stderr[-2000:]}")


def _ms(value) -> str:
    return "—" if value is None else (f"{value / 1000:.1f} s" if value >= 10000 else f"{value:.0f} ms")


def report(results: list[dict]) -> str:
    small, large = results[0], results[-1]
    bare = {r["size"]: r["pages"][0]["median_ms"] for r in results}
    # The site's fixed cost: the same lookup signed in and laid out in base.html (navigation, user menu).
    layout = next(
        (p["median_ms"] for p in large["pages"] if p["page"] == "bare view in the site's layout"), None
    )
    lines = [
        f"sizes: {
            ', '.join(
                f'{r["ids"]["cadres"]:,} cadres / {r["ids"]["cases"]:,} cases ({r["ids"]["open_cases"]:,} open), '
                f'migrate {r["migrate_s"]:.0f} s, load {r["load_s"]:.0f} s'
                for r in results
            )
        }",
        f"served by {small.get('server', 'test client')}",
        f"{'page':<32} {'median ' + str(small['size']):>12} {'median ' + str(large['size']):>14} {'p95':>9} "
        f"{'× bare':>7} {'× layout':>8} {'growth':>7} {'KB':>7} {'RSS MB':>7} {'peak':>6}",
    ]
    for a, b in zip(small["pages"], large["pages"], strict=True):
        times = (a["median_ms"], b["median_ms"])
        ratio = b["median_ms"] / bare[large["size"]] if b["median_ms"] and bare[large["size"]] else None
        over_layout = b["median_ms"] / layout if b["median_ms"] and layout else None
        growth = times[1] / times[0] if all(times) else None
        flag = "" if b["status"] == 200 else f" [{b['status']}]"
        lines.append(
            f"{(b['page'] + flag):<32} {_ms(times[0]):>12} {_ms(times[1]):>14} {_ms(b['p95_ms']):>9} "
            f"{(f'{ratio:.1f}' if ratio else '—'):>7} {(f'{over_layout:.1f}' if over_layout else '—'):>8} "
            f"{(f'{growth:.2f}' if growth else '—'):>7} "
            f"{b['bytes'] / 1024:>7.0f} {b['rss_mb']:>7.0f} {b['peak_rss_mb']:>6.0f}"
        )
    for r in results:
        exports = [("case file (10 candidates)", e) for e in r.get("exports", [])]
        if r.get("export_frozen"):
            exports.append(("… 审批表 frozen", r["export_frozen"]))
        for what, e in exports:
            lines.append(
                f"{what} at {r['size']}, {e.get('load', 'quiet')}: "
                f"request {e['request_ms']:.0f} ms ({e['request_status']}), "
                f"built by the task in {e['build_s']:.1f} s"
                + (
                    f" (median of {', '.join(f'{b:.1f}' for b in e['builds_s'])})"
                    if len(e.get("builds_s", [])) > 1
                    else ""
                )
                + f" → {e['status']} {e['bytes'] / 1024:.0f} KB"
                f"{' ' + e['error'] if e['error'] else ''}; second request reuses it: {e['reused']}"
                + (
                    f"; 我的待办 meanwhile {e['meanwhile_ms']:.0f} ms (median of {e['meanwhile_runs']})"
                    if e.get("meanwhile_ms")
                    else ""
                )
            )
    return "\n".join(lines)


def _merged(rounds: list[dict]) -> dict:
    from bench.scale_run import p95

    """One size's rounds as one result: every page's runs together (median and p95 over all of them),
    its largest memory; the exports of the first round."""
    first = rounds[0]
    pages = []
    for at, page in enumerate(first["pages"]):
        times = sorted(t for r in rounds for t in r["pages"][at]["times_ms"])
        pages.append(
            {
                **page,
                "median_ms": statistics.median(times) if times else None,
                "p95_ms": p95(times) if times else None,
                "runs": len(times),
                "rss_mb": max(r["pages"][at]["rss_mb"] for r in rounds),
                "peak_rss_mb": max(r["pages"][at]["peak_rss_mb"] for r in rounds),
            }
        )
    return {**first, "pages": pages}


def run() -> str:
    sizes = [int(s) for s in os.environ.get("BENCH_SCALE_SIZES", "1000,100000").split(",")]
    runs = int(os.environ.get("BENCH_SCALE_RUNS", "10"))
    # BENCH_SCALE_ROUNDS: the sizes in turn this many times (1k, 100k, 1k, 100k …), each page's runs
    # pooled per size, so a slow spell of the machine does not land on one size only and fake a growth.
    rounds = int(os.environ.get("BENCH_SCALE_ROUNDS", "2"))
    by_size: dict[int, list[dict]] = {size: [] for size in sizes}
    for number in range(rounds):
        for size in sizes:
            by_size[size].append(_run_size(size, runs, exports=number == 0))
    return "\n" + report([_merged(by_size[size]) for size in sizes])
