"""Benchmark the portfolio dashboard and its exports at national scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jpa_bench .venv/bin/python bench/portfolio.py

It creates the database if needed, migrates it, and builds a partnership of 300 services,
3,000 projects and 12,000 audits over five years (each with six principle assessments),
and a second one of 12,000 projects with one accepted audit each, for exports of 12,000
rows. It measures, with the figures' cache off (the time after any change to the data):

- the dashboard: median and 95th percentile through Django's test client, its query count,
  its HTML size, and where one request's time goes (SQL, Python working out the figures,
  the template); then the EXPLAIN ANALYZE plans of its slowest queries;
- two hand-written SQL baselines: the old one (heat map and principle profile only) and the
  full one, which computes everything the page shows (headline figures, heat map, profiles
  by sector, trend, movement, the attention lists);
- the CSV and XLSX exports against their floor (the hand-written export SQL plus writing the
  same rows with the same library), and the peak Python memory of each at 3,000 and 12,000
  rows.

Then it adds 50 other partnerships of the same shape and measures again. The load average
is printed with each set of figures: the machine is shared, so the ratios are the figures
to trust. Nothing is asserted. Each run starts from a new database; BENCH_REUSE=1
measures the data a previous run left instead. BENCH_OTHER_PARTNERSHIPS=0 measures the
partnership alone and stops (with BENCH_REUSE=1, again and again on the same data, e.g.
to alternate two versions of the code). BENCH_REQUESTS (30) sets the repeats,
BENCH_EXPLAIN=0 leaves out the query plans, BENCH_EXPORTS=0 the exports.
"""

import datetime
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
# BENCH_EXPORTS=0 measures the dashboard only.
EXPORTS = os.environ.get("BENCH_EXPORTS", "1") == "1"


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


def column_defaults():
    """Give the benchmark's tables' NOT NULL columns their model defaults in the database,
    so the set-based INSERTs below name only the columns the figures read and keep working
    as models gain columns (this is the benchmark's own throwaway database)."""
    from django.db import connection, models

    from audits.models import Action, Audit, PrincipleAssessment
    from partnership.models import Organisation, Partnership, Project, Service

    with connection.cursor() as cursor:
        for model in (
            Partnership,
            Organisation,
            Service,
            Project,
            Audit,
            PrincipleAssessment,
            Action,
        ):
            for field in model._meta.concrete_fields:
                if field.primary_key or field.null:
                    continue
                if field.has_default() and not callable(field.default):
                    value = field.get_default()
                elif isinstance(field, (models.CharField, models.TextField)) and field.blank:
                    value = ""
                else:
                    continue
                cursor.execute(
                    f'ALTER TABLE "{model._meta.db_table}" ALTER COLUMN "{field.column}" '
                    f"SET DEFAULT %s",
                    [value],
                )


def build_partnership(
    cursor,
    slug,
    framework_id,
    levels,
    outcomes,
    projects_per_service=PROJECTS_PER_SERVICE,
    audits_per_project=AUDITS_PER_PROJECT,
):
    """One partnership of the benchmark's shape, written with set-based SQL."""
    from partnership.models import Partnership

    # Through the model, so that every setting a partnership has takes its default.
    partnership = Partnership.objects.create(
        name=f"Bench {slug}", slug=slug, local_area=slug, accept_needs_another_person=True
    ).pk
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
        "start_date, active, created_at, ladder_aim, cycle_stage, "
        "families_at_establish_partnerships, families_at_joint_understanding, "
        "families_at_joint_planning, families_at_joint_delivery, families_at_joint_review) "
        "SELECT s.partnership_id, s.id, 'Project ' || g, 'Benchmark project', 'active', "
        "current_date - 2000, true, now(), '', '', false, false, false, false, false "
        "FROM partnership_service s, generate_series(1, %s) g WHERE s.partnership_id = %s",
        [projects_per_service, partnership],
    )
    # Four audits per project spread over five years; the newest is sometimes still in review.
    cursor.execute(
        "INSERT INTO audits_audit (partnership_id, project_id, framework_id, status, audit_date, "
        "outcome_id, summary, review_date, signed_name, signed_designation, created_at, "
        "updated_at, submitted_at, accepted_at, version, ladder_reached) "
        "SELECT p.partnership_id, p.id, %s, "
        "  CASE WHEN k = 3 AND p.id %% 10 = 0 THEN 'submitted' "
        "       WHEN k = 3 AND p.id %% 10 = 1 THEN 'draft' ELSE 'accepted' END, "
        "  current_date - ((3 - k) * 450 + (p.id * 7 + k) %% 400)::int, "
        "  (%s::bigint[])[1 + (p.id + k) %% 3], 'Benchmark audit', "
        "  current_date - ((3 - k) * 450 + (p.id * 7 + k) %% 400)::int + 365, '', '', "
        "  now(), now(), "
        "  now(), now(), 1, '' "
        "FROM partnership_project p, generate_series(0, %s) k WHERE p.partnership_id = %s",
        [framework_id, outcomes, audits_per_project - 1, partnership],
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
    # Each audit's one-row summary of its levels, as the audits' services keep it.
    from audits.level_summary import levels_summary_refresh
    from audits.models import Audit

    levels_summary_refresh(Audit.objects.filter(partnership_id=partnership))
    cursor.execute(
        "INSERT INTO audits_action "
        "(audit_id, what, who, due_date, status, carried_forward, position, updated_at) "
        "SELECT a.id, 'Share the findings with families', 'Service lead', a.audit_date + 90, "
        "CASE WHEN a.id %% 2 = 0 THEN 'done' ELSE 'not_started' END, false, 0, now() "
        "FROM audits_audit a WHERE a.partnership_id = %s",
        [partnership],
    )
    return partnership


# The first baseline: the heat map and the principle profile only (kept to compare).
OLD_BASELINE_SQL = """
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

# The full baseline: everything the dashboard shows, each figure as a hand-writer would
# write it for PostgreSQL (the page's filters at their defaults: all time, all services).
LATEST = """
    SELECT DISTINCT ON (a.project_id) a.id, a.project_id, a.audit_date, a.outcome_id,
           a.review_date, p.service_id, o.sector, a.level_ranks
    FROM audits_audit a
    JOIN partnership_project p ON p.id = a.project_id
    JOIN partnership_service s ON s.id = p.service_id
    JOIN partnership_organisation o ON o.id = s.organisation_id
    WHERE a.partnership_id = %(p)s AND a.status = 'accepted'
    ORDER BY a.project_id, a.audit_date DESC, a.id DESC
"""
BUSY = """
    EXISTS (SELECT 1 FROM audits_audit b WHERE b.partnership_id = %(p)s
            AND b.project_id = l.project_id
            AND b.status IN ('draft', 'submitted', 'changes_requested'))
"""
FULL_BASELINE_SQL = {
    "headline counts": """
        SELECT
          (SELECT count(*) FROM partnership_project WHERE partnership_id = %(p)s AND active),
          (SELECT count(*) FROM partnership_service WHERE partnership_id = %(p)s AND active),
          count(*) FILTER (WHERE status = 'accepted'),
          count(*) FILTER (WHERE status = 'submitted'),
          (SELECT count(DISTINCT p.service_id) FROM audits_audit a
             JOIN partnership_project p ON p.id = a.project_id
            WHERE a.partnership_id = %(p)s AND a.status = 'accepted'
              AND a.audit_date >= %(today)s::date - 365)
        FROM audits_audit WHERE partnership_id = %(p)s""",
    "outcomes and actions overdue": f"""
        WITH l AS ({LATEST})
        SELECT 'outcome', o.rank, count(*) FROM l
          LEFT JOIN principles_outcome o ON o.id = l.outcome_id GROUP BY o.rank
        UNION ALL
        SELECT 'actions', NULL, count(*) FROM audits_action ac JOIN l ON l.id = ac.audit_id
         WHERE ac.status IN ('not_started', 'in_progress') AND ac.due_date < %(today)s""",
    "reviews overdue": f"""
        WITH l AS ({LATEST})
        SELECT count(*) FROM l WHERE l.review_date < %(today)s AND NOT {BUSY}""",
    "heat map": f"""
        WITH l AS ({LATEST}), ls AS (
          SELECT DISTINCT ON (service_id) id, service_id, audit_date FROM l
          ORDER BY service_id, audit_date DESC, id DESC)
        SELECT s.id, s.name, o.name, ls.id, ls.audit_date, pr.number, lv.rank
        FROM partnership_service s
        JOIN partnership_organisation o ON o.id = s.organisation_id
        LEFT JOIN ls ON ls.service_id = s.id
        LEFT JOIN audits_principleassessment pa ON pa.audit_id = ls.id
        LEFT JOIN principles_principle pr ON pr.id = pa.principle_id
        LEFT JOIN principles_level lv ON lv.id = pa.level_id
        WHERE s.partnership_id = %(p)s AND s.active""",
    "profile by sector": f"""
        WITH l AS ({LATEST})
        SELECT l.sector, pr.number, lv.rank, count(*) FROM l
        JOIN audits_principleassessment pa ON pa.audit_id = l.id
        JOIN principles_principle pr ON pr.id = pa.principle_id
        JOIN principles_level lv ON lv.id = pa.level_id
        GROUP BY 1, 2, 3""",
    "trend": """
        SELECT extract(year FROM a.audit_date), pr.number, count(*),
               count(*) FILTER (WHERE lv.rank >= 2)
        FROM audits_audit a
        JOIN audits_principleassessment pa ON pa.audit_id = a.id
        JOIN principles_principle pr ON pr.id = pa.principle_id
        JOIN principles_level lv ON lv.id = pa.level_id
        WHERE a.partnership_id = %(p)s AND a.status = 'accepted'
        GROUP BY 1, 2""",
    "movement": """
        WITH scored AS (
          SELECT a.id, a.project_id, a.audit_date, sum(lv.rank) AS score
          FROM audits_audit a
          JOIN audits_principleassessment pa ON pa.audit_id = a.id
          JOIN principles_level lv ON lv.id = pa.level_id
          WHERE a.partnership_id = %(p)s AND a.status = 'accepted'
          GROUP BY a.id),
        ranked AS (
          SELECT id, score, row_number() OVER w AS n, lead(score) OVER w AS before
          FROM scored WINDOW w AS (PARTITION BY project_id ORDER BY audit_date DESC, id DESC))
        SELECT id, sign(score - before) FROM ranked WHERE n = 1 AND before IS NOT NULL""",
    "waiting longest": """
        SELECT a.id, p.title, s.name, a.submitted_at FROM audits_audit a
        JOIN partnership_project p ON p.id = a.project_id
        JOIN partnership_service s ON s.id = p.service_id
        WHERE a.partnership_id = %(p)s AND a.status = 'submitted'
        ORDER BY a.submitted_at, a.id LIMIT 11""",
    "reviews overdue list": f"""
        WITH l AS ({LATEST})
        SELECT l.id, p.title, s.name, l.review_date FROM l
        JOIN partnership_project p ON p.id = l.project_id
        JOIN partnership_service s ON s.id = p.service_id
        WHERE l.review_date < %(today)s AND NOT {BUSY}
        ORDER BY l.review_date, l.id LIMIT 21""",
    "reviews due list": f"""
        WITH l AS ({LATEST})
        SELECT l.id, p.title, s.name, l.review_date FROM l
        JOIN partnership_project p ON p.id = l.project_id
        JOIN partnership_service s ON s.id = p.service_id
        WHERE l.review_date BETWEEN %(today)s AND %(today)s::date + 60
        ORDER BY l.review_date, l.id LIMIT 21""",
    "overdue actions list": f"""
        WITH l AS ({LATEST})
        SELECT ac.id, ac.what, ac.who, ac.due_date, p.title FROM audits_action ac
        JOIN l ON l.id = ac.audit_id JOIN partnership_project p ON p.id = l.project_id
        WHERE ac.status IN ('not_started', 'in_progress') AND ac.due_date < %(today)s
        ORDER BY ac.due_date, ac.id LIMIT 21""",
    "services with no audit in 12 months": """
        SELECT s.id, s.name, o.name FROM partnership_service s
        JOIN partnership_organisation o ON o.id = s.organisation_id
        WHERE s.partnership_id = %(p)s AND s.active AND NOT EXISTS (
          SELECT 1 FROM audits_audit a JOIN partnership_project p ON p.id = a.project_id
          WHERE a.partnership_id = %(p)s AND p.service_id = s.id AND a.status = 'accepted'
            AND a.audit_date >= %(today)s::date - 365)
        ORDER BY o.name, s.name LIMIT 31""",
}

# The same, where the figures of levels read each audit's one-row summary of them
# (audits_audit.level_ranks and level_total) instead of its six assessments, as a
# hand-writer would once those columns exist: the honest floor for the page today.
SUMMARY_BASELINE_SQL = {
    **FULL_BASELINE_SQL,
    "heat map": f"""
        WITH l AS ({LATEST}), ls AS (
          SELECT DISTINCT ON (service_id) id, service_id, audit_date, level_ranks FROM l
          ORDER BY service_id, audit_date DESC, id DESC)
        SELECT s.id, s.name, o.name, ls.id, ls.audit_date, ls.level_ranks
        FROM partnership_service s
        JOIN partnership_organisation o ON o.id = s.organisation_id
        LEFT JOIN ls ON ls.service_id = s.id
        WHERE s.partnership_id = %(p)s AND s.active""",
    "profile by sector": f"""
        WITH l AS ({LATEST}), g AS (
          SELECT sector, level_ranks, count(*) AS c FROM l GROUP BY 1, 2)
        SELECT sector, n, substr(level_ranks, n, 1), sum(c)
        FROM g CROSS JOIN generate_series(1, 6) n
        GROUP BY 1, 2, 3""",
    "trend": """
        WITH g AS (
          SELECT extract(year FROM audit_date) AS year, level_ranks, count(*) AS c
          FROM audits_audit WHERE partnership_id = %(p)s AND status = 'accepted'
          GROUP BY 1, 2)
        SELECT year, n,
               sum(c) FILTER (WHERE ascii(substr(level_ranks, n, 1)) >= 49),
               sum(c) FILTER (WHERE ascii(substr(level_ranks, n, 1)) >= 50)
        FROM g CROSS JOIN generate_series(1, 6) n
        GROUP BY 1, 2""",
    "movement": """
        WITH ranked AS (
          SELECT id, level_total AS score, row_number() OVER w AS n,
                 lead(level_total) OVER w AS before
          FROM audits_audit
          WHERE partnership_id = %(p)s AND status = 'accepted' AND level_total > 0
          WINDOW w AS (PARTITION BY project_id ORDER BY audit_date DESC, id DESC))
        SELECT id, sign(score - before) FROM ranked WHERE n = 1 AND before IS NOT NULL""",
}

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
ORDER BY o.name, s.name, p.title
"""

EXPORT_ACTIONS_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (a.project_id) a.id
    FROM audits_audit a
    WHERE a.partnership_id = %(p)s AND a.status = 'accepted'
    ORDER BY a.project_id, a.audit_date DESC, a.id DESC
)
SELECT ac.audit_id, p.title, s.name, ac.what, ac.who, ac.due_date, ac.status
FROM audits_action ac
JOIN latest ON latest.id = ac.audit_id
JOIN audits_audit a ON a.id = ac.audit_id
JOIN partnership_project p ON p.id = a.project_id
JOIN partnership_service s ON s.id = p.service_id
ORDER BY p.title, ac.audit_id, ac.position, ac.id
"""


def timed(function, repeat):
    """(median, p95) wall time in ms; timed.cpu is the median CPU time this process spent
    (the Python side: PostgreSQL's own CPU is another process's), which a busy machine
    inflates far less than the wall time."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    timed.cpu = statistics.median(cpu)
    return statistics.median(times), p95


def load():
    one, five, fifteen = os.getloadavg()
    return f"[load average {one:.2f} {five:.2f} {fifteen:.2f}]"


class SqlTimer:
    """Counts and times every query while installed with connection.execute_wrapper."""

    def __init__(self):
        self.count = 0
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.ms += (time.perf_counter() - start) * 1000


def where_the_time_goes(client, url):
    """One computed request split into SQL, Python working out the figures, and the template
    (each phase's own SQL counted as SQL)."""
    from django.db import connection

    from reporting import views

    timer = SqlTimer()
    phases = {"figures": [0.0, 0.0], "template": [0.0, 0.0]}

    def phase(name, function):
        def wrapped(*args, **kwargs):
            sql_before = timer.ms
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name][0] += (time.perf_counter() - start) * 1000
                phases[name][1] += timer.ms - sql_before

        return wrapped

    names = ("period_figures", "now_figures", "render", "render_to_string")
    originals = {name: getattr(views, name) for name in names}
    # The figures' HTML (render_to_string) and the page around it (render, with the
    # family and ladder figures its template tags work out) both count as the template.
    for name, function in originals.items():
        setattr(views, name, phase("figures" if "figures" in name else "template", function))
    try:
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            client.get(url)
            total = (time.perf_counter() - start) * 1000
    finally:
        for name, function in originals.items():
            setattr(views, name, function)
    figures_python = phases["figures"][0] - phases["figures"][1]
    template = phases["template"][0] - phases["template"][1]
    print(
        f"  where one computed request's {total:.0f} ms go: SQL {timer.ms:.0f} ms "
        f"({timer.count} queries), Python working out the figures {figures_python:.0f} ms, "
        f"templates (with their tags' own Python) {template:.0f} ms, the rest (sessions, "
        "middleware, filters) "
        f"{total - timer.ms - figures_python - template:.0f} ms"
    )


def explain_slowest(client, url, how_many=5):
    """EXPLAIN ANALYZE of the slowest queries of one computed request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    print(f"  the {how_many} slowest queries of one computed request, with their plans:")
    for query in slowest[:how_many]:
        print(f"\n  -- {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            for (line,) in cursor.fetchall():
                print(f"     {line}")


def run_statements(statements, params):
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def export_floor(partnership, kind):
    """The hand-written export SQL and writing its rows with the same library as the export."""
    import csv
    import io
    import tempfile

    from django.db import connection
    from openpyxl import Workbook

    with connection.cursor() as cursor:
        cursor.execute(EXPORT_SQL, {"p": partnership.pk})
        rows = cursor.fetchall()
        if kind == "csv":
            writer = csv.writer(io.StringIO())
            for row in rows:
                *head, levels, outcome, review = row
                writer.writerow([*head, *levels, outcome, review])
            return
        cursor.execute(EXPORT_ACTIONS_SQL, {"p": partnership.pk})
        actions = cursor.fetchall()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Audits")
    for row in rows:
        *head, levels, outcome, review = row
        sheet.append([*head, *levels, outcome, review])
    sheet = workbook.create_sheet("Actions")
    for row in actions:
        sheet.append(list(row))
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)


def export_figures(client, partnership, repeat):
    """Times and peak Python memory of the CSV and XLSX exports of a whole portfolio."""
    import tracemalloc

    from django.db import connection

    rows = None
    for kind in ("csv", "xlsx"):
        url = f"/{partnership.slug}/portfolio/export.{kind}"

        def export(url=url):
            response = client.get(url)
            return sum(len(chunk) for chunk in response.streaming_content)

        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            size = export()
        median, p95 = timed(export, repeat)
        floor, _ = timed(lambda k=kind: export_floor(partnership, k), repeat)
        tracemalloc.start()
        export()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if rows is None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({EXPORT_SQL}) e", {"p": partnership.pk})
                rows = cursor.fetchone()[0]
        print(
            f"  {kind.upper()} export of {rows:,} audits ({size / 1024:.0f} KiB, "
            f"{timer.count} queries): median {median:.0f} ms, p95 {p95:.0f} ms; floor "
            f"(hand-written SQL + the same library) {floor:.0f} ms; ratio "
            f"{median / floor:.1f}x; peak Python memory {peak / 1024 / 1024:.1f} MiB {load()}"
        )


def measure(label, client, partnership, rows_partnership=None):
    from django.test import override_settings

    dashboard_url = f"/{partnership.slug}/portfolio/"
    client.get(dashboard_url)  # warm caches and connections
    params = {"p": partnership.pk, "today": datetime.date.today()}
    print(f"\n{label} {load()}")
    old_median, _ = timed(lambda: run_statements([OLD_BASELINE_SQL], params), REQUESTS)
    full_median, full_p95 = timed(
        lambda: run_statements(FULL_BASELINE_SQL.values(), params), REQUESTS
    )
    parts = []
    for name, sql in FULL_BASELINE_SQL.items():
        part, _ = timed(lambda sql=sql: run_statements([sql], params), 5)
        parts.append(f"{name} {part:.1f}")
    print(f"  old baseline SQL (heat map + profile only): median {old_median:.1f} ms {load()}")
    print(
        f"  full baseline SQL (everything the page shows, {len(FULL_BASELINE_SQL)} statements): "
        f"median {full_median:.1f} ms, p95 {full_p95:.1f} ms {load()}"
    )
    print(f"    by statement (ms): {'; '.join(parts)}")
    summary_median, _ = timed(
        lambda: run_statements(SUMMARY_BASELINE_SQL.values(), params), REQUESTS
    )
    print(
        "  full baseline SQL reading the audits' level summary columns (the floor since "
        f"they exist): median {summary_median:.1f} ms {load()}"
    )
    # Every request computes the figures: the time after any change to the data.
    with override_settings(PORTFOLIO_CACHE_SECONDS=0):
        timer = SqlTimer()
        from django.db import connection

        with connection.execute_wrapper(timer):
            html = client.get(dashboard_url).content
        dash_median, dash_p95 = timed(lambda: client.get(dashboard_url), REQUESTS)
        print(
            f"  dashboard, figures computed: median {dash_median:.1f} ms (Python CPU "
            f"{timed.cpu:.1f} ms), p95 {dash_p95:.1f} ms, "
            f"{timer.count} queries, HTML {len(html) / 1024:.0f} KiB; "
            f"{dash_median / full_median:.1f}x the full baseline, "
            f"{dash_median / summary_median:.1f}x the one over the summary columns, "
            f"{dash_median / old_median:.1f}x the old one {load()}"
        )
        where_the_time_goes(client, dashboard_url)
        if os.environ.get("BENCH_EXPLAIN", "1") == "1":
            explain_slowest(client, dashboard_url)
    # Figures kept between changes: what most requests get.
    client.get(dashboard_url)
    timer = SqlTimer()
    from django.db import connection

    with connection.execute_wrapper(timer):
        client.get(dashboard_url)
    cached_median, cached_p95 = timed(lambda: client.get(dashboard_url), REQUESTS)
    print(
        f"  dashboard, figures cached until the data changes: median {cached_median:.1f} ms "
        f"(Python CPU {timed.cpu:.1f} ms), "
        f"p95 {cached_p95:.1f} ms, {timer.count} queries {load()}"
    )
    # Each export written afresh (a kept export is served from the cache instead).
    with override_settings(PORTFOLIO_CACHE_SECONDS=0):
        if EXPORTS:
            export_figures(client, partnership, EXPORT_REQUESTS)
        if EXPORTS and rows_partnership is not None:
            export_figures(client, rows_partnership, EXPORT_REQUESTS)
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
    column_defaults()
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
        if OTHER_PARTNERSHIPS == 0:  # the partnership alone, and nothing else
            return
        framework = framework or current_framework(None)
        levels = list(framework.levels.order_by("rank").values_list("pk", flat=True))
        outcomes = list(framework.outcomes.order_by("rank").values_list("pk", flat=True))
        start = time.perf_counter()
        for i in range(OTHER_PARTNERSHIPS):
            with transaction.atomic(), connection.cursor() as cursor:
                build_partnership(cursor, f"bench-other-{i}", framework.pk, levels, outcomes)
        # For exports of 12,000 rows: 12,000 projects, one accepted audit each.
        with transaction.atomic(), connection.cursor() as cursor:
            build_partnership(
                cursor,
                "bench-rows",
                framework.pk,
                levels,
                outcomes,
                projects_per_service=40,
                audits_per_project=1,
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Built {OTHER_PARTNERSHIPS} other partnerships in {time.perf_counter() - start:.1f} s"
        )
    rows_partnership = Partnership.objects.filter(slug="bench-rows").first()
    if rows_partnership:
        Membership.objects.get_or_create(
            user=user, partnership=rows_partnership, defaults={"role": Role.COMMISSIONER}
        )
    with_others = measure(
        f"With {Partnership.objects.filter(slug__startswith='bench-other-').count()} other "
        "partnerships present",
        client,
        target,
        rows_partnership,
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
