"""Benchmark the API on the portfolio benchmark's partnership, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jpa_api_bench .venv/bin/python bench/api.py

Builds (with bench/portfolio.py's builder) a partnership of 300 services, 3,000 projects
and 12,000 audits, and BENCH_OTHER_PARTNERSHIPS (default 50) others of the same shape,
then measures with an API key, through Django's test client:

- the audit list endpoint, 100 audits a page (the first page and a page deep in the list);
- the portfolio endpoint, against the dashboard page with its figures computed afresh;
- loading 300 services and 3,000 projects from an XLSX template into a new partnership
  (check and write), its time and peak Python memory (tracemalloc);
- the same import as the admin does it: the upload and preview request, the confirming
  request, then the Celery task that writes it (run in this process with `apply`, the code
  a worker runs), its time, queries, progress reports and peak memory.

Medians and 95th percentiles of BENCH_REQUESTS (default 30) requests, and query counts.
Nothing is asserted: the figures are printed for the notes. BENCH_REUSE=1 measures the
data a previous run left instead of building it again.
"""

import io
import os
import re
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
# The benchmark measures the server's time, not the per-key limit.
os.environ["API_KEY_RATE"] = "1000000/hour"
os.environ["API_USER_RATE"] = "1000000/hour"

from bench.portfolio import (  # noqa: E402
    OTHER_PARTNERSHIPS,
    REQUESTS,
    build_partnership,
    fresh_database,
)

IMPORT_ORGANISATIONS, IMPORT_SERVICES, IMPORT_PROJECTS = 30, 300, 3000


def queries_of(function):
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return count


def timed(function, repeat):
    """Median and p95 wall time, and the median CPU time of this process (the web side,
    PostgreSQL's work not counted), in ms. On a shared machine under load the wall time
    includes waiting for a core; the CPU time does not."""
    import statistics

    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        function()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu_start) * 1000)
    walls.sort()
    p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
    return statistics.median(walls), p95, statistics.median(cpus)


def ok(response):
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response


def measure(label, api_client, page_client, partnership):
    from django.test import override_settings

    slug = partnership.slug
    first_page = f"/api/v1/{slug}/audits/?page_size=100"
    deep_page = f"/api/v1/{slug}/audits/?page_size=100&page=100&ordering=audit_date"
    portfolio = f"/api/v1/{slug}/portfolio/"
    dashboard = f"/{slug}/portfolio/"
    for address in (first_page, deep_page, portfolio):
        ok(api_client.get(address))
    ok(page_client.get(dashboard))
    print(f"\n{label}")
    for name, address in (
        ("audit list, first page", first_page),
        ("audit list, page 100", deep_page),
    ):
        queries = queries_of(lambda a=address: ok(api_client.get(a)))
        median, p95, cpu = timed(lambda a=address: ok(api_client.get(a)), REQUESTS)
        print(
            f"  {name} (100 audits): median {median:.1f} ms, p95 {p95:.1f} ms, "
            f"CPU median {cpu:.1f} ms, {queries} queries"
        )
    queries = queries_of(lambda: ok(api_client.get(portfolio)))
    median, p95, cpu = timed(lambda: ok(api_client.get(portfolio)), REQUESTS)
    print(
        f"  portfolio endpoint: median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"CPU median {cpu:.1f} ms, {queries} queries"
    )
    with override_settings(PORTFOLIO_CACHE_SECONDS=0):
        dash_queries = queries_of(lambda: ok(page_client.get(dashboard)))
        dash_median, dash_p95, dash_cpu = timed(lambda: ok(page_client.get(dashboard)), REQUESTS)
    print(
        f"  dashboard page, figures computed: median {dash_median:.1f} ms, "
        f"p95 {dash_p95:.1f} ms, CPU median {dash_cpu:.1f} ms, {dash_queries} queries"
    )
    print(f"  portfolio endpoint / dashboard: {median / dash_median:.2f}x")


def import_workbook():
    from openpyxl import Workbook

    from partnership import directory_import as di

    book = Workbook(write_only=True)
    organisations = book.create_sheet("Organisations")
    organisations.append([c.header for c in di.ORGANISATIONS.columns])
    for o in range(IMPORT_ORGANISATIONS):
        organisations.append([f"Organisation {o}", "Health"])
    services = book.create_sheet("Services")
    services.append([c.header for c in di.SERVICES.columns])
    for s in range(IMPORT_SERVICES):
        services.append([f"Organisation {s % IMPORT_ORGANISATIONS}", f"Service {s}", "A service"])
    projects = book.create_sheet("Projects")
    projects.append([c.header for c in di.PROJECTS.columns])
    for p in range(IMPORT_PROJECTS):
        s = p % IMPORT_SERVICES
        projects.append(
            [
                f"Organisation {s % IMPORT_ORGANISATIONS}",
                f"Service {s}",
                f"Project {p}",
                "Developing the service with families",
                "Active",
                "2026-04-01",
                "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_once(slug, content):
    """Read, check, then check again and write, into a new partnership: timings in s."""
    from partnership import directory_import as di
    from partnership.models import Partnership

    # A new partnership each run (the directory is protected from deletion).
    slug = f"{slug}-{int(time.time())}"
    target = Partnership.objects.create(name=f"Bench {slug}", slug=slug, local_area="x")
    start = time.perf_counter()
    sheets = di.read_rows("directory.xlsx", content)
    read_done = time.perf_counter()
    plan = di.directory_plan(target, sheets)
    plan_done = time.perf_counter()
    assert plan.ok, plan.problems[:5]
    queries = queries_of(lambda: di.directory_import(partnership=target, sheets=sheets))
    end = time.perf_counter()
    assert target.projects.count() == IMPORT_PROJECTS
    return read_done - start, plan_done - read_done, end - plan_done, queries


def measure_import():
    content = import_workbook()
    read, check, write, queries = import_once("bench-import", content)
    # Memory on a second, traced run: tracing slows Python down several times over.
    tracemalloc.start()
    import_once("bench-import-memory", content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\nImport of {IMPORT_ORGANISATIONS} organisations, {IMPORT_SERVICES} services and "
        f"{IMPORT_PROJECTS} projects ({len(content) / 1024:.0f} KB XLSX): "
        f"read {read:.2f} s, check {check:.2f} s, check again and write {write:.2f} s "
        f"({queries} queries), total {read + check + write:.2f} s; "
        f"peak Python memory (traced run) {peak / 1024 / 1024:.1f} MB"
    )


def _peak_rss():
    """The process's peak resident memory since the last reset, in KB (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss():
    """Start the peak afresh (Linux: writing 5 to clear_refs); returns the RSS now, in KB."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure_import_task(content):
    """The admin's way: upload and preview, confirm, then the task writes."""
    from django.core.cache import caches
    from django.test import Client

    from partnership import import_jobs
    from partnership.models import DirectoryImport, Membership, Partnership, Role, User
    from partnership.tasks import directory_import_run

    admin, _ = User.objects.get_or_create(
        email="bench-admin@bench.example", defaults={"full_name": "Bench Admin"}
    )
    client = Client()
    client.force_login(admin)
    # The task is run below, in this process, rather than sent to a broker.
    import_jobs._queue = lambda job: None
    reports = []
    real_report = import_jobs._report

    def counting_report(job, done, total):
        reports.append(done)
        real_report(job, done, total)

    import_jobs._report = counting_report
    results = []
    for run in ("timed", "traced"):
        slug = f"bench-task-{run}-{int(time.time())}"
        target = Partnership.objects.create(name=f"Bench {slug}", slug=slug, local_area="x")
        Membership.objects.create(user=admin, partnership=target, role=Role.ADMIN)
        from django.core.files.uploadedfile import SimpleUploadedFile

        start = time.perf_counter()
        preview = client.post(
            f"/{slug}/import/", {"file": SimpleUploadedFile("directory.xlsx", content)}
        )
        preview_done = time.perf_counter()
        token = re.search(rb'name="token" value="([0-9a-f]+)"', preview.content)
        assert preview.status_code == 200 and token, preview.status_code
        confirm = client.post(f"/{slug}/import/confirm/", {"token": token.group(1).decode()})
        confirm_done = time.perf_counter()
        assert confirm.status_code == 302, confirm.status_code
        job = DirectoryImport.objects.get(partnership=target)
        reports.clear()
        if run == "traced":
            tracemalloc.start()
        rss_before = _reset_peak_rss()
        task_start, task_cpu = time.perf_counter(), time.process_time()
        queries = queries_of(lambda j=job, t=target.pk: directory_import_run.apply(args=(t, j.pk)))
        task_done, task_cpu = time.perf_counter(), time.process_time() - task_cpu
        peak = None
        if run == "traced":
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        rss_after = _peak_rss()
        job.refresh_from_db()
        assert job.status == DirectoryImport.Status.DONE, job.failure_reason
        assert target.projects.count() == IMPORT_PROJECTS
        # A second run of the same task finds the job taken and writes nothing.
        again = queries_of(lambda j=job, t=target.pk: directory_import_run.apply(args=(t, j.pk)))
        page = client.get(job.get_absolute_url())
        assert b"Directory loaded" in page.content
        results.append(
            {
                "preview": preview_done - start,
                "confirm": confirm_done - preview_done,
                "task": task_done - task_start,
                "task_cpu": task_cpu,
                "queries": queries,
                "again": again,
                "reports": len(reports),
                "peak": peak,
                "rss": rss_after,
                "rss_before": rss_before,
                "rows": job.rows_total,
            }
        )
    caches["progress"].clear()
    timed_run, traced_run = results
    print(
        f"\nThe same import as a task ({timed_run['rows']:,} rows written):\n"
        f"  upload and preview request {timed_run['preview']:.2f} s; "
        f"confirm request {timed_run['confirm'] * 1000:.0f} ms\n"
        f"  task: {timed_run['task']:.2f} s (CPU {timed_run['task_cpu']:.2f} s), "
        f"{timed_run['queries']} queries, "
        f"{timed_run['reports']} progress reports; the task run again: "
        f"{timed_run['again']} queries, nothing written\n"
        f"  peak Python memory of the task (traced run, {traced_run['task']:.2f} s): "
        f"{traced_run['peak'] / 1024 / 1024:.1f} MB; process peak RSS during the untraced "
        f"task {timed_run['rss'] / 1024:.0f} MB (from {timed_run['rss_before'] / 1024:.0f} MB "
        "before it)"
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
    from django.test import Client

    from api.services import api_key_create
    from partnership.models import Membership, Partnership, Role, User
    from principles.models import current_framework

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        # The shared builder's INSERT predates this column; on the throwaway benchmark
        # database a column default fills it the way the model's default would.
        cursor.execute(
            "ALTER TABLE partnership_partnership "
            "ALTER COLUMN accept_needs_another_person SET DEFAULT true"
        )
    framework = current_framework(None)
    levels = list(framework.levels.order_by("rank").values_list("pk", flat=True))
    outcomes = list(framework.outcomes.order_by("rank").values_list("pk", flat=True))
    if not Partnership.objects.filter(slug="bench-target").exists():
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            build_partnership(cursor, "bench-target", framework.pk, levels, outcomes)
        print(f"Built the target partnership in {time.perf_counter() - start:.1f} s")
    built = Partnership.objects.filter(slug__startswith="bench-other-").count()
    start = time.perf_counter()
    for i in range(built, OTHER_PARTNERSHIPS):
        with transaction.atomic(), connection.cursor() as cursor:
            build_partnership(cursor, f"bench-other-{i}", framework.pk, levels, outcomes)
    if built < OTHER_PARTNERSHIPS:
        print(
            f"Built {OTHER_PARTNERSHIPS - built} other partnerships "
            f"in {time.perf_counter() - start:.1f} s"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    target = Partnership.objects.get(slug="bench-target")
    user, _ = User.objects.get_or_create(email="bench@bench.example", defaults={"full_name": "B"})
    Membership.objects.get_or_create(
        user=user, partnership=target, defaults={"role": Role.COMMISSIONER}
    )
    _, text = api_key_create(
        partnership=target, by=user, name="bench", role=Role.COMMISSIONER, access="read"
    )
    api_client = Client(HTTP_AUTHORIZATION=f"Api-Key {text}")
    page_client = Client()
    page_client.force_login(user)
    others = Partnership.objects.filter(slug__startswith="bench-other-").count()
    print(
        f"Target: {target.audits.count()} audits, {target.projects.count()} projects, "
        f"{target.services.count()} services; {others} other partnerships present"
    )
    measure(f"With {others} other partnerships present", api_client, page_client, target)
    measure_import()
    if os.environ.get("BENCH_IMPORT_TASK", "1") == "1":
        measure_import_task(import_workbook())


if __name__ == "__main__":
    main()
