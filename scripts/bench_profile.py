"""Where a page's time goes: one page of scripts/bench_pages.py, in-process, on the databases
`make bench` builds (run `scripts/bench.py --keep` once), with DEBUG off as in production.

    .venv/bin/python scripts/bench_profile.py NAME [--db bench_school] [-n 30] [--profile 25]
        [--sql] [--explain]

NAME selects the pages whose key (as in the bench table, "home · option lead") contains it.
For each: milliseconds per request, the median wall time and the best CPU time of this
process (of n, after a warm-up; the in-process test client, no gunicorn), against the trivial
page `/bench/ping/`; then, with --profile N, the N first functions by cProfile's cumulative
CPU time (--sort to change); --sql lists each query with its time; --explain runs EXPLAIN
ANALYZE on each SELECT (PostgreSQL's planning and execution times).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("name")
    parser.add_argument("--db", default="bench_school")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    sys.path[:0] = [str(SCRIPTS), str(ROOT)]
    import bench

    os.environ.update(bench.env_for(args.db))
    import django

    django.setup()
    from bench_pages import PAGES, SCOLARITE, Data
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apprentissage.models import User

    settings.ALLOWED_HOSTS = ["*"]
    data, clients = Data(), {}

    def client_for(persona):
        if persona not in clients:
            clients[persona] = Client()
            if persona:
                clients[persona].force_login(
                    User.objects.get(email=persona), backend=settings.AUTHENTICATION_BACKENDS[1]
                )
        return clients[persona]

    def per_request(client, url) -> tuple[float, float]:
        """Median wall and best CPU (this process's) milliseconds: CPU leaves out the database's
        time and most of the machine's other load."""
        client.get(url)
        client.get(url)
        walls, cpus = [], []
        for _ in range(args.n):
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (url, response.status_code)
        return 1000 * statistics.median(walls), 1000 * min(cpus)

    for bench_page in PAGES:
        if args.name not in bench_page.key:
            continue
        client = client_for(bench_page.persona)
        url = bench_page.url(data)
        wall, cpu = per_request(client, url)
        ping_wall, ping_cpu = per_request(client_for(bench_page.persona or SCOLARITE), "/bench/ping/")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(
            f"{bench_page.key:<52} wall {wall:6.1f} ms (×{wall / ping_wall:4.1f})"
            f"  CPU {cpu:6.1f} ms (×{cpu / ping_cpu:4.1f}, trivial {ping_cpu:.1f})  {len(queries)} queries",
            flush=True,
        )
        if args.profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(10):
                client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
        if args.sql or args.explain:
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"])):
                print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}")
        if args.explain:
            explained = []
            with connection.cursor() as cursor:
                for q in queries.captured_queries:
                    if not q["sql"].lstrip().upper().startswith("SELECT"):
                        continue
                    for _ in range(3):  # the last of three: caches warm
                        cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + q["sql"])
                        lines = [row[0] for row in cursor.fetchall()]
                    times = [float(line.split(":")[1].split()[0]) for line in lines if " Time: " in line]
                    explained.append((sum(times), times, q["sql"]))
            print("  planning + execution ms (EXPLAIN ANALYZE), joins, query:")
            for _total, times, sql in sorted(explained, reverse=True):
                print(f"  {times[0]:6.2f} + {times[1]:6.2f}  {sql.count(' JOIN '):2d}  {sql[:150]}")


if __name__ == "__main__":
    main()
