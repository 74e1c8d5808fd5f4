"""Profile one page of a database loaded by the scale benchmark (BENCH_SCALE_REUSE=1 keeps it): the
queries it runs with their times (slowest first, EXPLAIN ANALYZE of the slowest) and a cProfile summary.

Usage: DATABASE_URL=postgres://…/xuanba_bench_scale_100000 .venv/bin/python -m bench.scale_profile \
    <role hr|auditor|admin> <path> [cprofile lines]
Paths may name the loaded objects: {motion_case}, {recommendation_case}, {cadre}, {department} …
"""

import cProfile
import io
import os
import pstats
import sys
import time


def main(role: str, path: str, lines: int = 25) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.scale_settings"  # the benchmark's URLs and storage
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("XUANBA_REQUIRE_2FA", "false")
    os.environ.setdefault("XUANBA_LOGIN_THROTTLE", "false")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import User
    from bench.scale_run import _loaded_ids, _signed_in

    ids = _loaded_ids(os.environ["DATABASE_URL"])
    path = path.format(**ids)
    setup_test_environment()
    client = _signed_in(User.objects.get(pk=ids[role]))
    client.get(path, secure=True)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path, secure=True)
        elapsed = time.perf_counter() - started
    print(f"{path}: {response.status_code}, {len(response.content) / 1024:.0f} KB, {elapsed * 1000:.0f} ms")
    total = sum(float(q["time"]) for q in queries.captured_queries)
    print(f"{len(queries.captured_queries)} queries, {total * 1000:.0f} ms in the database")
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
    for query in slowest[:8]:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
    if slowest and slowest[0]["sql"].lstrip().upper().startswith("SELECT"):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + slowest[0]["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))
    profile = cProfile.Profile()
    profile.enable()
    client.get(path, secure=True)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(lines)
    print(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 25)
