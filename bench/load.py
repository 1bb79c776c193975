"""A load test of the production-shaped stack on this machine, in one command.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jpa_load REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/load.py

It builds a new database (the demo data and the benchmark partnership of bench/portfolio.py:
300 services, 3,000 projects, 12,000 audits), makes accounts for service leads,
commissioners and board members, starts gunicorn (WEB_CONCURRENCY workers, 3 by default
as the README recommends for 2 cores) and a Celery worker on PostgreSQL and Redis, and
runs the mixed journey of bench/locustfile.py with Locust, headless, for each number of
people in LOAD_USERS (default 50,100,200,400), LOAD_SECONDS each (default 60, after
everyone has arrived). It prints, per number of people, requests per second, the median
and 95th percentile of each kind of page, errors, the bad requests apart, and the saved
work check: the principle pages the database shows saved equal the saves Locust counted.
Last comes a summary: per number of people, requests per second, the median and 95th
percentile of the HTML pages together, of the dashboard and of the exports (exact, from
every response time of the steady state), errors, and the number of people at which the
95th percentile first passes one second. It also prints the CPU seconds each part of the
stack used (web workers, Celery, PostgreSQL, Redis, Locust itself). GUNICORN_THREADS
(default 1) runs gunicorn's threaded workers with that many threads each; LOAD_THINK
("min,max" seconds, default 5,12) is each person's wait between steps.
It listens on 127.0.0.1 only (LOAD_PORT, default 8114), and stops what it started.
Sign-in rate limits are turned off for the run (DJANGO_DISABLE_RATE_LIMITS=1).
"""

import csv
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"

PORT = int(os.environ.get("LOAD_PORT", "8114"))
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "50,100,200,400").split(",")]
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Threads per worker (gunicorn's --threads; more than 1 selects its threaded workers).
THREADS = int(os.environ.get("GUNICORN_THREADS", "1"))
PASSWORD = "load-test-password-2026"
VENV = Path(sys.executable).parent

STACK_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "load-test-secret-key-only-for-this-machine-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_DISABLE_RATE_LIMITS": "1",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def build(url):
    """A new database with the demo data, the benchmark partnership and load accounts."""
    import django

    # The same settings as the stack: the sessions made here must be valid there.
    os.environ.update(STACK_ENV)

    if not os.environ.get("LOAD_REUSE"):
        from portfolio import fresh_database

        fresh_database(url)
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from partnership.models import Partnership

    call_command("migrate", verbosity=0)
    if not Partnership.objects.filter(slug="bench-target").exists():
        from portfolio import build_partnership

        from principles.models import current_framework

        call_command("demo_data", verbosity=0)
        framework = current_framework(None)
        levels = list(framework.levels.order_by("rank").values_list("pk", flat=True))
        outcomes = list(framework.outcomes.order_by("rank").values_list("pk", flat=True))
        with transaction.atomic(), connection.cursor() as cursor:
            build_partnership(cursor, "bench-target", framework.pk, levels, outcomes)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return accounts()


def _session(user):
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    from django.utils.module_loading import import_string

    # The backend a password sign-in records: the first that can load a user (not axes').
    store[BACKEND_SESSION_KEY] = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(6 * 60 * 60)
    store.create()
    return store.session_key


def accounts():
    """Service leads with the draft audits of their services, commissioners, board members,
    and a signed-in session for each; written to a JSON file for the locustfile."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from audits.models import Audit
    from partnership.models import Membership, Partnership, Role, User

    target = Partnership.objects.get(slug="bench-target")
    other = Partnership.objects.exclude(pk=target.pk).order_by("pk").first()
    password = make_password(PASSWORD)  # hashed once, shared by every load account
    drafts = list(
        Audit.objects.filter(partnership=target, status=Audit.Status.DRAFT)
        .order_by("pk")
        .values_list("pk", "project__service_id")
    )

    def member(email, role):
        user, _ = User.objects.get_or_create(email=email, defaults={"full_name": email})
        user.password = password
        user.save(update_fields=["password"])
        membership, _ = Membership.objects.get_or_create(
            user=user, partnership=target, defaults={"role": role}
        )
        return user, membership

    leads = []
    for i in range(40):
        user, membership = member(f"load-lead-{i}@load.example", Role.SERVICE_LEAD)
        mine = drafts[i::40]
        membership.services.set({service for _, service in mine})
        leads.append(
            {"email": user.email, "session": _session(user), "audits": [pk for pk, _ in mine]}
        )
    commissioners, board, sign_in = [], [], []
    for i in range(10):
        user, _ = member(f"load-commissioner-{i}@load.example", Role.COMMISSIONER)
        commissioners.append({"email": user.email, "session": _session(user)})
        user, _ = member(f"load-board-{i}@load.example", Role.BOARD_MEMBER)
        board.append({"email": user.email, "session": _session(user)})
        user, _ = member(f"load-arriving-{i}@load.example", Role.COMMISSIONER)
        sign_in.append({"email": user.email})
    organisations = list(target.organisations.values_list("pk", flat=True)[:5])
    return {
        "slug": target.slug,
        "other_slug": other.slug if other else "nowhere",
        "password": PASSWORD,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "leads": leads,
        "commissioners": commissioners,
        "board": board,
        "sign_in": sign_in,
        "submitted": list(
            Audit.objects.filter(partnership=target, status=Audit.Status.SUBMITTED).values_list(
                "pk", flat=True
            )[:50]
        ),
        "filters": ["", "period=12m", "sector=health", "period=cy2025", "include_submitted=1"]
        + [f"organisation={pk}" for pk in organisations],
        "draft_ids": [pk for pk, _ in drafts],
    }


def saved_pages(draft_ids):
    """How many times the load audits' principle pages have been saved: each save moves
    the page's version on by one."""
    from django.db.models import Sum

    from audits.models import PrincipleAssessment

    total = PrincipleAssessment.objects.filter(audit_id__in=draft_ids).aggregate(v=Sum("version"))
    return total["v"] or 0


def settled(count):
    """The count once the stack has finished what it was given (two equal readings)."""
    last = count()
    for _ in range(60):
        time.sleep(2)
        now = count()
        if now == last:
            return now
        last = now
    return last


def start_stack(env):
    log = open(tempfile.gettempdir() + f"/load-stack-{PORT}.log", "w")
    web = subprocess.Popen(
        [
            str(VENV / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    worker = subprocess.Popen(
        [str(VENV / "celery"), "-A", "config", "worker", "--concurrency", "1", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):
                return [web, worker]
        except OSError:
            time.sleep(0.5)
    stop([web, worker])
    sys.exit(f"The stack did not start: see {log.name}")


def warm_up(data, rounds=None):
    """Open each kind of page a few times per worker before measuring, so the figures do
    not include each worker's first compile of templates and URL patterns."""
    slug = data["slug"]
    cookie = data["session_cookie"]
    lead, commissioner = data["leads"][0], data["commissioners"][0]
    pages = [
        (lead, f"/{slug}/"),
        (lead, f"/{slug}/audits/{lead['audits'][0]}/"),
        (lead, f"/{slug}/audits/{lead['audits'][0]}/principles/1/"),
        (commissioner, f"/{slug}/reviews/"),
        (commissioner, f"/{slug}/portfolio/"),
        (None, "/accounts/login/"),
    ]
    for _ in range(rounds or WORKERS * THREADS * 2):
        for account, path in pages:
            request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}")
            if account:
                request.add_header("Cookie", f"{cookie}={account['session']}")
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()


def stop(processes):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _cpu_seconds(process):
    times = process.cpu_times()
    # With its children that have ended (PostgreSQL's backends end when a web worker's
    # connection reaches its age), so no part's work is lost from the count.
    return times.user + times.system + times.children_user + times.children_system


def cpu_by_part(processes):
    """CPU seconds used so far by each part of the stack: the web workers, the Celery
    worker, PostgreSQL and Redis (Locust is counted apart, as the finished child)."""
    import psutil

    web, worker = (psutil.Process(p.pid) for p in processes)
    parts = {
        "web": [web, *web.children(recursive=True)],
        "Celery": [worker, *worker.children(recursive=True)],
        "PostgreSQL": [],
        "Redis": [],
    }
    for process in psutil.process_iter(["name"]):
        name = process.info["name"] or ""
        if name.startswith("postgres"):
            parts["PostgreSQL"].append(process)
        elif name.startswith("redis-server"):
            parts["Redis"].append(process)
    totals = {}
    for part, members in parts.items():
        total = 0.0
        for process in members:
            try:
                total += _cpu_seconds(process)
            except psutil.Error:
                pass
        totals[part] = total
    return totals


def run(users, env, folder):
    prefix = f"{folder}/u{users}"
    saves_file = f"{folder}/saves-{users}.json"
    rate = max(5, users // 10)
    subprocess.run(
        [
            str(VENV / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(rate),
            "--run-time",
            f"{SECONDS + users // rate}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            prefix,
            "--only-summary",
            # Figures of the steady state, once everyone has arrived.
            "--reset-stats",
            # Let every started step finish, so each save sent is counted or seen failing.
            "--stop-timeout",
            "90",
            "--loglevel",
            "WARNING",
        ],
        env={**env, "LOAD_SAVES": saves_file},
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as handle:
        stats = list(csv.DictReader(handle))
    with open(saves_file) as handle:
        saves = json.load(handle)
    return stats, saves


def _ms(value):
    return str(round(float(value))) if value not in ("", "N/A") else "-"


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(rows):
    """One line per number of people, and where the 95th percentile passes one second."""
    print("\nSummary (steady state, milliseconds)")
    print(
        f"  {'people':>6} {'req/s':>6} {'HTML p50':>9} {'HTML p95':>9} {'dashboard p95':>14} "
        f"{'exports p95':>12} {'errors':>7} {'bad requests as errors':>23}"
    )
    breaking = None
    for row in rows:
        print(
            f"  {row['users']:>6} {row['rate']:>6.1f} {row['html_p50']:>9} {row['html_p95']:>9} "
            f"{row['dashboard_p95']:>14} {row['exports_p95']:>12} {row['errors']:>7} "
            f"{row['bad_errors']:>23}"
        )
        if breaking is None and max(row["html_p95"] or 0, row["dashboard_p95"] or 0) > 1000:
            breaking = row["users"]
    if breaking is None:
        print("  The 95th percentile of pages stayed under 1 s at every number of people.")
    else:
        print(f"  The 95th percentile of pages passed 1 s at {breaking} people.")


def report(users, stats, saves, saved, elapsed, cpu):
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    total = next(row for row in stats if row["Name"] == "Aggregated")
    journey = [row for row in stats if row["Name"] != "Aggregated"]
    bad = [row for row in journey if row["Name"].startswith("bad: ")]
    good = [row for row in journey if not row["Name"].startswith("bad: ")]
    errors = sum(int(row["Failure Count"]) for row in good)
    bad_errors = sum(int(row["Failure Count"]) for row in bad)
    print(
        f"\n{users} people, {elapsed:.0f} s ({SECONDS} s after everyone arrived), "
        f"{WORKERS} gunicorn workers x {THREADS} threads, think time "
        f"{os.environ.get('LOAD_THINK', '5,12').replace(',', ' to ')} s [load average {load}]"
    )
    print(
        f"  {float(total['Requests/s']):.1f} requests/s; all requests median "
        f"{_ms(total['Median Response Time'])} ms, p95 {total['95%']} ms; journey errors {errors}; "
        f"bad requests {sum(int(r['Request Count']) for r in bad)}, of which answered with "
        f"an error (5xx or wrong page) {bad_errors}"
    )
    print(
        "  CPU seconds used: "
        + ", ".join(f"{part} {seconds:.0f}" for part, seconds in cpu.items())
        + f" (of {elapsed * os.cpu_count():.0f} on {os.cpu_count()} cores)"
    )
    print(f"  {'page':<40} {'requests':>9} {'median ms':>10} {'p95 ms':>8} {'errors':>7}")
    for row in sorted(journey, key=lambda r: r["Name"]):
        print(
            f"  {row['Name']:<40} {row['Request Count']:>9} {_ms(row['Median Response Time']):>10} "
            f"{row['95%']:>8} {row['Failure Count']:>7}"
        )
    times = saves.get("times", {})
    for kind, values in times.items():
        if values:
            print(
                f"  {kind}: {len(values)} requests, median {percentile(values, 0.5):.0f} ms, "
                f"p95 {percentile(values, 0.95):.0f} ms"
            )
    print(
        f"  saved work: {saves['ok']} saves counted by Locust, {saved} principle page saves in "
        f"the database ({'equal' if saves['ok'] == saved else 'NOT EQUAL'}); "
        f"{saves['conflict']} conflict pages, {saves['failed']} failed saves"
    )

    def p(kind, share):
        value = percentile(times.get(kind, []), share)
        return None if value is None else round(value)

    return {
        "users": users,
        "rate": float(total["Requests/s"]),
        "html_p50": p("HTML pages", 0.5),
        "html_p95": p("HTML pages", 0.95),
        "dashboard_p95": p("dashboard", 0.95),
        "exports_p95": p("exports", 0.95),
        "errors": errors,
        "bad_errors": bad_errors,
    }


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database and REDIS_URL to Redis")
    start = time.perf_counter()
    data = build(url)
    print(
        f"Built the database and {len(data['leads'])} lead accounts in "
        f"{time.perf_counter() - start:.0f} s"
    )
    folder = tempfile.mkdtemp(prefix="load-")
    accounts_file = f"{folder}/accounts.json"
    with open(accounts_file, "w") as handle:
        json.dump(data, handle)
    env = {**os.environ, **STACK_ENV, "LOAD_ACCOUNTS": accounts_file}
    processes = start_stack(env)
    print(f"gunicorn: {WORKERS} workers on 127.0.0.1:{PORT}; a Celery worker; figures in {folder}")
    rows = []
    try:
        warm_up(data)
        for users in USERS:
            before = saved_pages(data["draft_ids"])
            began = time.perf_counter()
            cpu_before = cpu_by_part(processes)
            locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            stats, saves = run(users, env, folder)
            locust_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = {
                part: seconds - cpu_before[part] for part, seconds in cpu_by_part(processes).items()
            }
            cpu["Locust"] = (locust_after.ru_utime + locust_after.ru_stime) - (
                locust_before.ru_utime + locust_before.ru_stime
            )
            elapsed = time.perf_counter() - began
            saved = settled(lambda: saved_pages(data["draft_ids"])) - before
            rows.append(report(users, stats, saves, saved, elapsed, cpu))
        summary(rows)
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
