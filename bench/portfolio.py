"""Benchmark the portfolio dashboard and XLSX export at national scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jpa_bench .venv/bin/python bench/portfolio.py

It creates the database if needed, migrates it, and builds a partnership of 300 services,
3,000 projects and 12,000 audits over five years (each with six principle assessments).
It measures the dashboard (median and 95th percentile of the server time over repeated
requests through Django's test client, and its query count) and one hand-written SQL
query computing the heat map and principle profile directly; then it adds 50 other
partnerships of the same shape and measures again. The XLSX export is timed the same way.
Nothing is asserted: the figures are printed for the notes. Each run starts from a new
database; BENCH_REUSE=1 measures the data a previous run left instead.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

SERVICES, PROJECTS_PER_SERVICE, AUDITS_PER_PROJECT, ORGANISATIONS = 300, 10, 4, 30
OTHER_PARTNERSHIPS = int(os.environ.get("BENCH_OTHER_PARTNERSHIPS", "50"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
EXPORT_REQUESTS = int(os.environ.get("BENCH_EXPORT_REQUESTS", "5"))


def fresh_database(url):
    """Drop and create the benchmark database, so every run measures the same data."""
    from urllib.parse import urlparse

    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def build_partnership(cursor, slug, framework_id, levels, outcomes):
    """One partnership of the benchmark's shape, written with set-based SQL."""
    cursor.execute(
        "INSERT INTO partnership_partnership (name, slug, local_area, board_name, created_at, "
        "accept_needs_another_person, mfa_required, contact_email, data_controller) "
        "VALUES (%s, %s, %s, 'SEND Improvement Board', now(), true, 'none', '', '') RETURNING id",
        [f"Bench {slug}", slug, slug],
    )
    partnership = cursor.fetchone()[0]
    sectors = [
        "local_authority",
        "health",
        "education",
        "voluntary",
        "parent_carer_forum",
        "advocacy",
        "other",
    ]
    cursor.execute(
        "INSERT INTO partnership_organisation (partnership_id, name, sector, active) "
        "SELECT %s, 'Organisation ' || g, (%s::text[])[1 + g %% 7], true "
        "FROM generate_series(1, %s) g",
        [partnership, sectors, ORGANISATIONS],
    )
    cursor.execute(
        "INSERT INTO partnership_service "
        "(partnership_id, organisation_id, name, description, active, created_at) "
        "SELECT o.partnership_id, o.id, 'Service ' || g, '', true, now() - interval '6 years' "
        "FROM partnership_organisation o, generate_series(1, %s) g WHERE o.partnership_id = %s",
        [SERVICES // ORGANISATIONS, partnership],
    )
    cursor.execute(
        "INSERT INTO partnership_project (partnership_id, service_id, title, description, status, "
        "start_date, active, created_at) "
        "SELECT s.partnership_id, s.id, 'Project ' || g, 'Benchmark project', 'active', "
        "current_date - 2000, true, now() "
        "FROM partnership_service s, generate_series(1, %s) g WHERE s.partnership_id = %s",
        [PROJECTS_PER_SERVICE, partnership],
    )
    # Four audits per project spread over five years; the newest is sometimes still in review.
    cursor.execute(
        "INSERT INTO audits_audit (partnership_id, project_id, framework_id, status, audit_date, "
        "outcome_id, summary, review_date, signed_name, signed_designation, created_at, "
        "updated_at, submitted_at, accepted_at, version) "
        "SELECT p.partnership_id, p.id, %s, "
        "  CASE WHEN k = 3 AND p.id %% 10 = 0 THEN 'submitted' "
        "       WHEN k = 3 AND p.id %% 10 = 1 THEN 'draft' ELSE 'accepted' END, "
        "  current_date - ((3 - k) * 450 + (p.id * 7 + k) %% 400)::int, "
        "  (%s::bigint[])[1 + (p.id + k) %% 3], 'Benchmark audit', "
        "  current_date - ((3 - k) * 450 + (p.id * 7 + k) %% 400)::int + 365, '', '', "
        "  now(), now(), "
        "  now(), now(), 1 "
        "FROM partnership_project p, generate_series(0, %s) k WHERE p.partnership_id = %s",
        [framework_id, outcomes, AUDITS_PER_PROJECT - 1, partnership],
    )
    cursor.execute(
        "INSERT INTO audits_principleassessment (audit_id, principle_id, level_id, notes, "
        "carried_forward, version, updated_at) "
        "SELECT a.id, pr.id, (%s::bigint[])[1 + (a.id * 7 + pr.number * 13) %% 3], '', false, "
        "1, now() "
        "FROM audits_audit a CROSS JOIN principles_principle pr "
        "WHERE a.partnership_id = %s AND pr.framework_id = %s",
        [levels, partnership, framework_id],
    )
    cursor.execute(
        "INSERT INTO audits_action "
        "(audit_id, what, who, due_date, status, carried_forward, position, updated_at) "
        "SELECT a.id, 'Share the findings with families', 'Service lead', a.audit_date + 90, "
        "CASE WHEN a.id %% 2 = 0 THEN 'done' ELSE 'not_started' END, false, 0, now() "
        "FROM audits_audit a WHERE a.partnership_id = %s",
        [partnership],
    )
    return partnership


HAND_WRITTEN_SQL = """
WITH counted AS (
    SELECT a.id, a.project_id, a.audit_date, p.service_id
    FROM audits_audit a JOIN partnership_project p ON p.id = a.project_id
    WHERE a.partnership_id = %(p)s AND a.status = 'accepted'
), latest AS (
    SELECT DISTINCT ON (project_id) id, service_id, audit_date
    FROM counted ORDER BY project_id, audit_date DESC, id DESC
), latest_service AS (
    SELECT DISTINCT ON (service_id) id, service_id
    FROM latest ORDER BY service_id, audit_date DESC, id DESC
)
SELECT 'heat' AS part, ls.service_id AS key, pr.number, l.rank, 1 AS n
FROM latest_service ls
JOIN audits_principleassessment pa ON pa.audit_id = ls.id
JOIN principles_principle pr ON pr.id = pa.principle_id
JOIN principles_level l ON l.id = pa.level_id
UNION ALL
SELECT 'profile', NULL, pr.number, l.rank, count(*)
FROM latest
JOIN audits_principleassessment pa ON pa.audit_id = latest.id
JOIN principles_principle pr ON pr.id = pa.principle_id
JOIN principles_level l ON l.id = pa.level_id
GROUP BY pr.number, l.rank
"""

EXPORT_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (a.project_id) a.id
    FROM audits_audit a
    WHERE a.partnership_id = %(p)s AND a.status = 'accepted'
    ORDER BY a.project_id, a.audit_date DESC, a.id DESC
)
SELECT a.id, p.title, s.name, o.name, o.sector, a.audit_date, a.status,
       array_agg(l.name ORDER BY pr.number), oc.name, a.review_date
FROM latest
JOIN audits_audit a ON a.id = latest.id
JOIN partnership_project p ON p.id = a.project_id
JOIN partnership_service s ON s.id = p.service_id
JOIN partnership_organisation o ON o.id = s.organisation_id
LEFT JOIN principles_outcome oc ON oc.id = a.outcome_id
JOIN audits_principleassessment pa ON pa.audit_id = a.id
JOIN principles_principle pr ON pr.id = pa.principle_id
LEFT JOIN principles_level l ON l.id = pa.level_id
GROUP BY a.id, p.title, s.name, o.name, o.sector, oc.name
"""


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def measure(label, client, partnership):
    from django.db import connection

    class QueryCounter:
        def __init__(self):
            self.count = 0

        def __call__(self, execute, sql, params, many, context):
            self.count += 1
            return execute(sql, params, many, context)

    def queries_of(function):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            function()
        return counter.count

    dashboard_url = f"/{partnership.slug}/portfolio/"
    export_url = f"/{partnership.slug}/portfolio/export.xlsx"
    client.get(dashboard_url)  # warm caches and connections
    from django.test import override_settings

    # Every request computes the figures: the time after any change to the data.
    with override_settings(PORTFOLIO_CACHE_SECONDS=0):
        queries = queries_of(lambda: client.get(dashboard_url))
        dash_median, dash_p95 = timed(lambda: client.get(dashboard_url), REQUESTS)
    # Figures kept between changes: what most requests get.
    client.get(dashboard_url)
    cached_queries = queries_of(lambda: client.get(dashboard_url))
    cached_median, cached_p95 = timed(lambda: client.get(dashboard_url), REQUESTS)

    def hand_written():
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN_SQL, {"p": partnership.pk})
            cursor.fetchall()

    sql_median, sql_p95 = timed(hand_written, REQUESTS)

    def export():
        response = client.get(export_url)
        b"".join(response.streaming_content)

    def export_sql():
        with connection.cursor() as cursor:
            cursor.execute(EXPORT_SQL, {"p": partnership.pk})
            cursor.fetchall()

    export_queries = queries_of(export)
    export_median, export_p95 = timed(export, EXPORT_REQUESTS)
    export_sql_median, _ = timed(export_sql, EXPORT_REQUESTS)
    print(f"\n{label}")
    print(
        f"  dashboard, figures computed: median {dash_median:.1f} ms, p95 {dash_p95:.1f} ms, "
        f"{queries} queries"
    )
    print(
        f"  dashboard, figures cached until the data changes: median {cached_median:.1f} ms, "
        f"p95 {cached_p95:.1f} ms, {cached_queries} queries"
    )
    print(
        f"  hand-written SQL (heat map + profile): median {sql_median:.1f} ms, p95 {sql_p95:.1f} ms"
    )
    print(
        f"  dashboard / hand-written SQL: computed {dash_median / sql_median:.1f}x, "
        f"cached {cached_median / sql_median:.1f}x"
    )
    print(
        f"  XLSX export: median {export_median:.1f} ms, p95 {export_p95:.1f} ms, "
        f"{export_queries} queries; hand-written export SQL median {export_sql_median:.1f} ms "
        f"({export_median / export_sql_median:.1f}x)"
    )
    return dash_median, cached_median


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/jpa_bench"
        )
    if not os.environ.get("BENCH_REUSE"):
        fresh_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from partnership.models import Membership, Partnership, Role, User
    from principles.models import current_framework

    call_command("migrate", verbosity=0)
    target = Partnership.objects.filter(slug="bench-target").first()
    framework = None
    if target is None:
        framework = current_framework(None)
        levels = list(framework.levels.order_by("rank").values_list("pk", flat=True))
        outcomes = list(framework.outcomes.order_by("rank").values_list("pk", flat=True))
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            build_partnership(cursor, "bench-target", framework.pk, levels, outcomes)
        print(f"Built the target partnership in {time.perf_counter() - start:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        target = Partnership.objects.get(slug="bench-target")
    user, _ = User.objects.get_or_create(
        email="bench@bench.example", defaults={"full_name": "Bench"}
    )
    Membership.objects.get_or_create(
        user=user, partnership=target, defaults={"role": Role.COMMISSIONER}
    )
    client = Client()
    client.force_login(user)

    counts = {
        "audits": target.audits.count(),
        "projects": target.projects.count(),
        "services": target.services.count(),
    }
    others = Partnership.objects.filter(slug__startswith="bench-other-").count()
    print(f"Target partnership: {counts}")
    alone = None
    if others == 0:
        alone = measure("Target partnership alone", client, target)
        framework = framework or current_framework(None)
        levels = list(framework.levels.order_by("rank").values_list("pk", flat=True))
        outcomes = list(framework.outcomes.order_by("rank").values_list("pk", flat=True))
        start = time.perf_counter()
        for i in range(OTHER_PARTNERSHIPS):
            with transaction.atomic(), connection.cursor() as cursor:
                build_partnership(cursor, f"bench-other-{i}", framework.pk, levels, outcomes)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Built {OTHER_PARTNERSHIPS} other partnerships in {time.perf_counter() - start:.1f} s"
        )
    with_others = measure(
        f"With {Partnership.objects.filter(slug__startswith='bench-other-').count()} other "
        "partnerships present",
        client,
        target,
    )
    if alone:
        print(
            f"\nWith the other partnerships / alone: computed {with_others[0] / alone[0]:.2f}x, "
            f"cached {with_others[1] / alone[1]:.2f}x"
        )
    from audits.models import Audit

    print(f"Total audits in the database: {Audit.objects.count()}")


if __name__ == "__main__":
    main()
