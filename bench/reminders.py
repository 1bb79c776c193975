"""Benchmark the daily reminder job over the portfolio benchmark's data, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jpa_bench_reminders \\
        .venv/bin/python bench/reminders.py

It builds BENCH_PARTNERSHIPS partnerships (default 51) of the portfolio benchmark's
shape with `bench/portfolio.py`'s builder (300 services, 3,000 projects and 12,000
audits each: 612,000 audits for 51), adds people to each (an admin, two commissioners
and a lead for every service, who also owns that service's actions), then runs the
daily job for one day as beat would: the job fans out one task per partnership and
BENCH_WORKERS processes (default: the number of cores, a Celery worker's default
concurrency) run them, each task in one process from start to end. It prints the wall
time, the queries each partnership's task made (they must not grow with the number of
audits or people), the reminders recorded and the emails sent; then runs the same day
again, which must send nothing. Emails go to Django's in-memory backend. Nothing is asserted.
BENCH_REUSE=1 measures the data a previous run left, after clearing its sent log.
"""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from portfolio import build_partnership, fresh_database  # noqa: E402

PARTNERSHIPS = int(os.environ.get("BENCH_PARTNERSHIPS", "51"))
# Worker processes running the per-partnership tasks at once. A Celery worker's default
# concurrency is the number of cores: 2 on the benchmark machine.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))
DAY = date.fromisoformat(os.environ.get("BENCH_DAY", date.today().isoformat()))


def add_people(cursor, partnership_id, slug):
    """An admin, two commissioners and one lead per service, who owns its actions."""
    cursor.execute(
        "INSERT INTO partnership_user (password, is_superuser, is_staff, is_active, "
        "date_joined, email, full_name) "
        "SELECT '!', false, false, true, now(), r || '-' || g || '@' || %s || '.example', "
        "initcap(r) || ' ' || g "
        "FROM (VALUES ('admin', 1), ('commissioner', 2)) AS roles(r, n), "
        "generate_series(1, roles.n) g",
        [slug],
    )
    cursor.execute(
        "INSERT INTO partnership_membership (user_id, partnership_id, role, active, created_at) "
        "SELECT u.id, %s, split_part(u.email, '-', 1), true, now() FROM partnership_user u "
        "WHERE u.email LIKE %s",
        [partnership_id, f"%@{slug}.example"],
    )
    cursor.execute(
        "INSERT INTO partnership_user (password, is_superuser, is_staff, is_active, "
        "date_joined, email, full_name) "
        "SELECT '!', false, false, true, now(), 'lead-' || s.id || '@' || %s || '.example', "
        "'Lead ' || s.id FROM partnership_service s WHERE s.partnership_id = %s",
        [slug, partnership_id],
    )
    cursor.execute(
        "INSERT INTO partnership_membership (user_id, partnership_id, role, active, created_at) "
        "SELECT u.id, %s, 'service_lead', true, now() FROM partnership_user u "
        "WHERE u.email LIKE %s",
        [partnership_id, f"lead-%@{slug}.example"],
    )
    cursor.execute(
        "INSERT INTO partnership_membership_services (membership_id, service_id) "
        "SELECT m.id, split_part(split_part(u.email, '@', 1), '-', 2)::bigint "
        "FROM partnership_membership m JOIN partnership_user u ON u.id = m.user_id "
        "WHERE m.partnership_id = %s AND m.role = 'service_lead'",
        [partnership_id],
    )
    # Half the actions are owned by the service's lead; the rest name someone typed in.
    cursor.execute(
        "UPDATE audits_action a SET owner_id = ms.membership_id "
        "FROM audits_audit au, partnership_project p, partnership_membership_services ms, "
        "partnership_membership m "
        "WHERE au.id = a.audit_id AND p.id = au.project_id AND ms.service_id = p.service_id "
        "AND m.id = ms.membership_id AND m.partnership_id = %s AND a.id %% 4 < 2",
        [partnership_id],
    )


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database")
    if not os.environ.get("BENCH_REUSE"):
        fresh_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from audits.models import Audit
    from notifications.models import Notification, SentReminder
    from partnership.models import Membership, Partnership
    from principles.models import current_framework

    call_command("migrate", verbosity=0)
    existing = Partnership.objects.filter(slug__startswith="bench-r-").count()
    if existing < PARTNERSHIPS:
        framework = current_framework(None)
        levels = list(framework.levels.order_by("rank").values_list("pk", flat=True))
        outcomes = list(framework.outcomes.order_by("rank").values_list("pk", flat=True))
        start = time.perf_counter()
        for i in range(existing, PARTNERSHIPS):
            slug = f"bench-r-{i}"
            with transaction.atomic(), connection.cursor() as cursor:
                pid = build_partnership(cursor, slug, framework.pk, levels, outcomes)
                add_people(cursor, pid, slug)
            print(f"  built {slug} ({time.perf_counter() - start:.0f} s so far)", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Built {PARTNERSHIPS - existing} partnerships in {time.perf_counter() - start:.1f} s"
        )
    SentReminder.objects.all().delete()
    Notification.objects.all().delete()
    print(
        f"Data: {Partnership.objects.count()} partnerships, {Audit.objects.count():,} audits, "
        f"{Membership.objects.count():,} members; the day: {DAY}"
    )

    from partnership.models import Partnership as P

    ids = list(P.objects.order_by("pk").values_list("pk", flat=True))
    connection.close()

    for label in ("First run", "Second run of the same day"):
        start = time.perf_counter()
        results = run_all(ids)
        wall = time.perf_counter() - start
        queries = [r[1] for r in results]
        due = sum(r[2]["due"] for r in results)
        sent = sum(r[2]["sent"] for r in results)
        emails = sum(r[3] for r in results)
        cpu = sum(r[4] for r in results)
        print(
            f"\n{label}: {wall:.1f} s wall time for {len(results)} partnerships, "
            f"{WORKERS} worker processes"
        )
        print(
            f"  queries per partnership: min {min(queries)}, median {statistics.median(queries)}, "
            f"max {max(queries)} (fixed reads plus inserts in batches of 1,000 rows)"
        )
        print(f"  reminders owed {due:,}; emails sent {emails:,} (reported {sent:,})")
        print(
            f"  CPU time of the tasks in the worker processes: {cpu:.1f} s "
            f"({cpu / len(results):.2f} s per partnership; PostgreSQL's own time not included); "
            f"machine load average (1 min) at the end: {os.getloadavg()[0]:.1f}"
        )
        if label == "First run":
            biggest = max(results, key=lambda r: r[2]["due"])
            smallest = min(results, key=lambda r: r[2]["due"])
            print(
                f"  most reminders in one partnership: {biggest[2]['due']:,} with "
                f"{biggest[1]} queries; fewest: {smallest[2]['due']:,} with {smallest[1]} queries"
            )
            print(
                f"  in the sent log: {SentReminder.objects.count():,}; in-app notifications: "
                f"{Notification.objects.count():,}"
            )
            connection.close()


def run_one(partnership_id):
    """One per-partnership task, as a worker process runs it; counts its queries."""
    from django.core import mail
    from django.db import connection

    from audits import tasks

    mail.outbox = []
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    cpu = time.process_time()
    with connection.execute_wrapper(counter):
        result = tasks.reminders_for_partnership(partnership_id, DAY.isoformat())
    return partnership_id, count, result, len(mail.outbox), time.process_time() - cpu


def run_all(ids):
    if WORKERS <= 1:
        return [run_one(pid) for pid in ids]
    import multiprocessing

    # The parent closed its connection before forking, so each process opens its own.
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        return pool.map(run_one, ids, chunksize=1)


if __name__ == "__main__":
    main()
