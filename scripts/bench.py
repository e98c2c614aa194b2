"""`make bench`: every page at demo size and at the size of a real school, on PostgreSQL.

1. Builds two databases on PostgreSQL (127.0.0.1:5432, user postgres; BENCH_PG_URL to change):
   `bench_demo` (`manage.py load_demo`) and `bench_school` (the demo plus scripts/bench_school.py:
   600 apprentices, a recruitment year, two school years of TAPE answers).
2. Counts the SQL queries of each page of scripts/bench_pages.py at both sizes (in-process test
   client, CaptureQueriesContext), and times the PDFs and the XLSX exports alone (best of 3).
3. Serves bench_school with gunicorn as in production (2 workers, DEBUG off) and loads each page
   with 8 concurrent connections, alternating three times with a trivial signed-in page
   (`/bench/ping/`, scripts/bench_urls.py) on the same server: requests per second, the ratio
   of the trivial page's rate to the page's, p50 and p95 latency.
4. Prints a Markdown table and writes it to bench-results.md. Exits 1 when a page's query count
   differs between the two sizes (or a page fails), 2 when PostgreSQL is not reachable.

    .venv/bin/python scripts/bench.py [--seconds 2.5] [--keep] [--skip-build] [--only NAME]

Targets (issue 7): within 4x the trivial page and p95 < 50 ms at 8 connections; queries constant
in data size; a calendar PDF under 0.3 s; the school-size XLSX exports under 2 s.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
PY = sys.executable
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DATABASES = ("bench_demo", "bench_school")
CONNECTIONS = 8
ROUNDS = 3  # page and trivial page alternate this many times per page
WORKERS = 2
TARGET_RATIO = 4.0
TARGET_P95_MS = 50.0
TARGET_SECONDS = {"pdf": 0.3, "xlsx": 2.0}
RESULTS = ROOT / "bench-results.md"


def env_for(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SCRIPTS), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DATABASE_URL": f"{PG}/{database}",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "DEBUG": "0",
        "DEMO_MODE": "0",
        "HTTPS": "0",
        "MFA_REQUIRED_FOR_STAFF": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",  # tasks run in-process while the databases are built
        # The shared cache on Redis, as in production (calendar feeds, the LEA boards).
        "CACHE_REDIS_URL": os.environ.get("BENCH_CACHE_REDIS_URL", "redis://127.0.0.1:6379/3"),
    }


def say(message: str) -> None:
    print(message, flush=True)


# --- 1. The databases ------------------------------------------------------------------


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG}/postgres", connect_timeout=3).close()
        return True
    except Exception as error:
        say(f"PostgreSQL is not reachable at {PG} ({error}).")
        return False


def manage(database: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env_for(database), check=True)
    return time.perf_counter() - started


def build() -> dict[str, float]:
    for name in DATABASES:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql("CREATE DATABASE bench_demo")
    manage("bench_demo", "collectstatic", "--noinput", "-v0")
    timings = {"migrate": manage("bench_demo", "migrate", "--noinput", "-v0")}
    timings["load_demo"] = manage("bench_demo", "load_demo", "--force")
    psql("CREATE DATABASE bench_school TEMPLATE bench_demo")
    started = time.perf_counter()
    subprocess.run([PY, __file__, "_build_school"], cwd=ROOT, env=env_for("bench_school"), check=True)
    timings["school"] = time.perf_counter() - started
    for name in DATABASES:
        subprocess.run(["psql", f"{PG}/{name}", "-qc", "VACUUM ANALYZE"], check=True)
    return timings


# --- 2. Query counts, in-process --------------------------------------------------------


def _django():
    import django

    django.setup()


def build_school() -> None:
    _django()
    import bench_school

    bench_school.build(log=say)


def count_queries(out: Path, only: str | None) -> None:
    """Each page once to warm up (the session's first save, caches), then counted."""
    _django()
    from bench_pages import PAGES, Data
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from apprentissage.models import User

    setup_test_environment()  # the test client's response.context and templates
    settings.ALLOWED_HOSTS = ["*"]
    data, clients, results = Data(), {}, {}
    for bench_page in PAGES:
        if only and only not in bench_page.key:
            continue
        client = clients.get(bench_page.persona)
        if client is None:
            client = clients[bench_page.persona] = Client()
            if bench_page.persona:
                client.force_login(
                    User.objects.get(email=bench_page.persona), backend=settings.AUTHENTICATION_BACKENDS[1]
                )
        url = bench_page.url(data)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        result = {"url": url, "queries": len(queries), "status": response.status_code}
        if bench_page.timed:
            timings = []
            for _ in range(3):
                started = time.perf_counter()
                client.get(url)
                timings.append(time.perf_counter() - started)
            result["seconds"] = min(timings)
        results[bench_page.key] = result
    cookies = {
        persona or "": client.cookies[settings.SESSION_COOKIE_NAME].value if persona else ""
        for persona, client in clients.items()
    }
    name = settings.SESSION_COOKIE_NAME
    out.write_text(json.dumps({"pages": results, "cookies": cookies, "cookie_name": name}))


def queries_of(database: str, only: str | None) -> dict:
    out = Path(f"/tmp/{database}-queries.json")
    args = [PY, __file__, "_queries", str(out)] + (["--only", only] if only else [])
    subprocess.run(args, cwd=ROOT, env=env_for(database), check=True)
    return json.loads(out.read_text())


# --- 3. Throughput through gunicorn ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "apprentissage.wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env_for("bench_school"),
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(port: int, path: str, cookie: str, seconds: float, max_requests: int = 2000) -> dict:
    """CONNECTIONS threads send GETs for `seconds` (each finishes its request in flight)."""
    latencies, errors, lock = [], [], threading.Lock()
    headers = {"Host": "127.0.0.1", "Accept-Language": "fr"}
    if cookie:
        headers["Cookie"] = cookie
    deadline = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline:
            with lock:
                if len(latencies) + len(errors) >= max_requests:
                    return
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = str(error)
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if status == 200 else errors).append(elapsed if status == 200 else status)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "wall": time.perf_counter() - started}


def summary(runs: list[dict]) -> dict:
    """Requests per second over the runs' total time, latency percentiles over all requests."""
    latencies = sorted(x for run in runs for x in run["latencies"])
    wall = sum(run["wall"] for run in runs)

    def pct(p):
        if not latencies:
            return float("nan")
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": [e for run in runs for e in run["errors"]][:3],
        "rps": len(latencies) / wall if wall else 0.0,
        "p50": pct(0.50),
        "p95": pct(0.95),
    }


def _empty_cache() -> None:
    """The bench's Redis database emptied: nothing cached for an earlier build of the same
    databases answers (their ids and versions may repeat)."""
    import redis

    try:
        redis.Redis.from_url(env_for("bench_school")["CACHE_REDIS_URL"]).flushdb()
    except redis.RedisError as error:
        say(f"Redis unreachable ({error}): pages are measured without their cache.")


def throughput(pages: dict, cookies: dict, cookie_name: str, seconds: float) -> dict:
    from bench_pages import PAGES

    _empty_cache()
    port = free_port()
    server = start_gunicorn(port)
    results = {}
    try:
        ping_cookie = f"{cookie_name}={cookies['scolarite@example.com']}"
        for _ in range(2):  # both workers import and connect
            load(port, "/bench/ping/", ping_cookie, 0.5)
        for bench_page in PAGES:
            if bench_page.key not in pages:
                continue
            cookie = f"{cookie_name}={cookies[bench_page.persona]}" if bench_page.persona else ""
            path = pages[bench_page.key]["url"]
            for _ in range(2):  # warm-up: templates, the session's refresh
                load(port, path, cookie, 0, max_requests=1)
            # Interleaved: ROUNDS runs of the page, each followed by one of the trivial page
            # (signed in as the same person) on the same server, so that the machine's other
            # load weighs on both alike.
            page_runs, ping_runs = [], []
            for _ in range(ROUNDS):
                page_runs.append(load(port, path, cookie, seconds / ROUNDS))
                ping_runs.append(load(port, "/bench/ping/", cookie or ping_cookie, seconds / ROUNDS / 2))
            measured, ping = summary(page_runs), summary(ping_runs)
            measured["ratio"] = ping["rps"] / measured["rps"] if measured["rps"] else float("inf")
            measured["ping_rps"] = ping["rps"]
            results[bench_page.key] = measured
            say(
                f"  {bench_page.key:<55} {measured['rps']:7.1f} req/s  ×{measured['ratio']:5.1f}"
                f"  p95 {measured['p95']:7.0f} ms  (trivial {ping['rps']:.0f} req/s)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


# --- 4. The report -----------------------------------------------------------------------


def report(demo: dict, school: dict, speed: dict, timings: dict) -> tuple[str, list[str]]:
    from bench_pages import PAGES, SHORT

    failures = []
    lines = [
        "| Page | Persona | Queries (demo) | Queries (school) | req/s | × trivial | p50 ms | p95 ms "
        "| Target met? |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for bench_page in PAGES:
        name, key = bench_page.name, bench_page.key
        if key not in school["pages"]:
            continue
        d, s, m = demo["pages"].get(key, {}), school["pages"][key], speed.get(key)
        notes = []
        if d.get("queries") != s["queries"]:
            notes.append("queries grow")
            failures.append(f"{key}: {d.get('queries')} queries at demo size, {s['queries']} at school size")
        for size, result in (("demo", d), ("school", s)):
            if result.get("status") != 200:
                notes.append(f"HTTP {result.get('status')} ({size})")
                failures.append(f"{key}: HTTP {result.get('status')} at {size} size")
        if m:
            met = m["ratio"] <= TARGET_RATIO and m["p95"] < TARGET_P95_MS and not m["errors"]
            if m["errors"]:
                notes.append(f"errors {m['errors']}")
            speed_cells = f"{m['rps']:.1f} | {m['ratio']:.1f} | {m['p50']:.0f} | {m['p95']:.0f}"
        else:
            met, speed_cells = False, "– | – | – | –"
        verdict = ("yes" if met and not notes else "**no**") + (f" ({'; '.join(notes)})" if notes else "")
        lines.append(
            f"| {name} | {SHORT[bench_page.persona]} | {d.get('queries', '–')} | {s['queries']} | "
            f"{speed_cells} | {verdict} |"
        )
    trivial = [m["ping_rps"] for m in speed.values()]
    if trivial:
        lines += ["", f"Trivial signed-in page: median {statistics.median(trivial):.0f} req/s."]
    lines += [
        "",
        "| Alone, in-process, at school size (best of 3) | Seconds | Target | Met? |",
        "|---|---:|---:|---|",
    ]
    for bench_page in PAGES:
        s = school["pages"].get(bench_page.key, {})
        if bench_page.timed and "seconds" in s:
            target = TARGET_SECONDS[bench_page.timed]
            met = "yes" if s["seconds"] < target else "**no**"
            lines.append(f"| {bench_page.name} | {s['seconds']:.2f} | < {target} | {met} |")
    if timings:
        lines += ["", "Build: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + "."]
    return "\n".join(lines) + "\n", failures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 2.5)))
    parser.add_argument("--skip-build", action="store_true", help="reuse bench_demo and bench_school")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--only", help="only the pages whose name contains this")
    args = parser.parse_args()
    if not postgres_reachable():
        say("`make bench` needs PostgreSQL on 127.0.0.1:5432 (user postgres), or BENCH_PG_URL.")
        return 2
    started = time.perf_counter()
    timings = {}
    if not args.skip_build:
        say("Building bench_demo (load_demo) and bench_school (600 apprentices)…")
        timings = build()
    say("Counting queries at demo size and at school size…")
    demo = queries_of("bench_demo", args.only)
    school = queries_of("bench_school", args.only)
    say(f"Loading each page through gunicorn ({WORKERS} workers, {CONNECTIONS} connections)…")
    speed = throughput(school["pages"], school["cookies"], school["cookie_name"], args.seconds)
    table, failures = report(demo, school, speed, timings)
    heading = (
        f"# make bench ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"{time.perf_counter() - started:.0f} s)\n\n"
        f"Target: within {TARGET_RATIO:.0f}× the trivial page and p95 < {TARGET_P95_MS:.0f} ms at "
        f"{CONNECTIONS} connections, queries constant in data size.\n\n"
    )
    RESULTS.write_text(heading + table)
    say("\n" + heading + table)
    if not args.keep:
        for name in DATABASES:
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if failures:
        say("FAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.path[:0] = [str(SCRIPTS), str(ROOT)]
    if len(sys.argv) > 1 and sys.argv[1] == "_build_school":
        build_school()
    elif len(sys.argv) > 1 and sys.argv[1] == "_queries":
        only = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--only" else None
        count_queries(Path(sys.argv[2]), only)
    else:
        sys.exit(main())
