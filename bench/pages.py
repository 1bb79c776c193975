"""What one request of each page in the load test's journey costs, in the web process
and in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jpa_load REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/pages.py

Run it after bench/load.py has built its database (it reuses that database and its
accounts). Each page is asked for BENCH_REQUESTS times (default 30) through Django's
request handling in this one process, with the production settings the load test uses.
Per page it prints the median wall time and CPU time of a request, the time spent
waiting for the database, the CPU time the database's own process spent (a mean: the
kernel counts it in ticks), the SQL queries and the size of the answer. CPU times say how
many requests a second the two cores can serve, and hold on a busy machine where wall
times do not. BENCH_PROFILE=<page name> prints where that page's time goes (cProfile,
the 30 functions with the most cumulative time). Nothing is asserted.
"""

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import STACK_ENV  # noqa: E402

os.environ.update(STACK_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))


def pages(accounts):
    """(name, role, method, url, data) for each kind of request of the journey."""
    slug = accounts["slug"]
    lead = accounts["leads"][0]
    audit = lead["audits"][0]
    submitted = accounts["submitted"][0]
    return [
        ("sign-in page", None, "get", "/accounts/login/"),
        ("home", "leads", "get", f"/{slug}/"),
        ("task list", "leads", "get", f"/{slug}/audits/{audit}/"),
        ("principle page", "leads", "get", f"/{slug}/audits/{audit}/principles/2/"),
        ("save principle", "leads", "post", f"/{slug}/audits/{audit}/principles/2/"),
        ("reviews", "commissioners", "get", f"/{slug}/reviews/"),
        ("review page", "commissioners", "get", f"/{slug}/audits/{submitted}/review/"),
        ("dashboard (cached)", "commissioners", "get", f"/{slug}/portfolio/?sector=health"),
        ("export CSV", "board", "get", f"/{slug}/portfolio/export.csv?period=12m"),
        ("export XLSX", "board", "get", f"/{slug}/portfolio/export.xlsx?period=12m"),
    ]


def save_data(client, url):
    import re

    page = client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    level = re.search(r'name="level"[^>]*value="(\d+)"', page).group(1)
    return {"version": version, "level": level, "notes": "Parents co-designed the plan"}


class SqlClock:
    """Counts the queries and the time spent waiting for their answers."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def database_process():
    """The PostgreSQL process serving this connection, to read the CPU it spends."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return psutil.Process(cursor.fetchone()[0])


def measure(client, method, url, data_for=None):
    from django.db import connection

    data = data_for(client, url) if data_for else None
    clock = SqlClock()
    backend = database_process()
    with connection.execute_wrapper(clock):
        db_before = sum(backend.cpu_times()[:2])
        wall, cpu = time.perf_counter(), time.process_time()
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        body = b"".join(response) if response.streaming else response.content
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    db_cpu = sum(backend.cpu_times()[:2]) - db_before
    return wall, cpu, clock.count, len(body), response.status_code, clock.seconds, db_cpu


def main():
    import json

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from load import accounts

    data = (
        accounts()
        if not os.environ.get("LOAD_ACCOUNTS")
        else json.load(open(os.environ["LOAD_ACCOUNTS"]))
    )
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    profile_name = os.environ.get("BENCH_PROFILE")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{REQUESTS} requests of each page, one process [load average {load}]")
    print(
        f"{'page':<22} {'status':>6} {'wall ms':>8} {'CPU ms':>7} {'SQL ms':>7} {'DB CPU':>7} "
        f"{'queries':>8} {'KiB':>6}"
    )
    for name, role, method, url in pages(data):
        client = Client(enforce_csrf_checks=False)
        if role:
            client.cookies[settings.SESSION_COOKIE_NAME] = data[role][0]["session"]
        data_for = save_data if method == "post" else None
        measure(client, method, url, data_for)  # warm: templates, connections
        rows = [measure(client, method, url, data_for) for _ in range(REQUESTS)]
        if profile_name == name:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                measure(client, method, url, data_for)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(
                os.environ.get("BENCH_SORT", "cumulative")
            ).print_stats(30)
        print(
            f"{name:<22} {rows[0][4]:>6} {statistics.median(r[0] for r in rows) * 1000:>8.1f} "
            f"{statistics.median(r[1] for r in rows) * 1000:>7.1f} "
            f"{statistics.median(r[5] for r in rows) * 1000:>7.1f} "
            f"{statistics.mean(r[6] for r in rows) * 1000:>7.1f} "
            f"{statistics.median(r[2] for r in rows):>8.0f} {rows[0][3] / 1024:>6.1f}"
        )


if __name__ == "__main__":
    main()
