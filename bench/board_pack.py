"""Benchmark board packs on the benchmark partnership, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jpa_bench .venv/bin/python bench/board_pack.py

It builds the partnership of bench/portfolio.py (300 services, 3,000 projects, 12,000
audits over five years) in a new database, then makes, the way the Celery task does:
a pack of about 100 audits (one organisation's ten services) and a pack of the whole
portfolio. For each it prints the wall time, the peak memory of the process (which plays
the worker), the number of queries, the time WeasyPrint alone takes to render the same
finished HTML, and the product's own share (queries and template). The machine may be
shared: CPU times are printed next to wall times, and the load average with them. A
portfolio of more than BOARD_PACK_PAGE_PER_AUDIT_UP_TO audits (150) gives each audit a
row of its service's table instead of a page. Then it makes the
100-audit pack several times in a row and prints the memory after each, to show whether
it grows, and last the whole portfolio. Nothing is asserted. BENCH_REUSE=1 measures the
data a previous run left; BENCH_SKIP_WHOLE=1 leaves out the whole-portfolio pack;
BENCH_IN_A_ROW sets the repeats.
"""

import gc
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_MEDIA_ROOT", "/tmp/jpa-bench-media")

IN_A_ROW = int(os.environ.get("BENCH_IN_A_ROW", "5"))


def rss_mb():
    """Memory the process holds now."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def uptime():
    """The machine is shared: its load says how far wall times can be trusted."""
    with open("/proc/loadavg") as loadavg:
        one, five, fifteen = loadavg.read().split()[:3]
    return f"load average {one}, {five}, {fifteen} on {os.cpu_count()} cores"


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def make_pack(partnership, user, raw, label):
    """Ask for and make one pack as the task does; print its figures."""
    from django.db import connection

    from reporting import packs, pdf, services
    from reporting.models import BoardPack

    filters = packs.filters_for(partnership, raw)
    # A new pack each time: the same filters would otherwise find the one already made.
    BoardPack.objects.filter(partnership=partnership).delete()
    pack, _ = services.board_pack_request(partnership=partnership, by=user, filters=filters)
    counter = QueryCounter()
    start, cpu_start = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        made = packs.make(partnership.pk, pack.pk)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = peak_mb()
    assert made is not None and made.status == BoardPack.Status.READY, made
    print(
        f"\n{label}: {made.audit_count} audits, {made.page_count} pages, {made.size / 1024:.0f} KB"
    )
    print(f"  wall time (task's work): {wall:.1f} s; CPU time of the process: {cpu:.1f} s")
    print(f"  load on the machine: {uptime()}")
    print(f"  peak memory of the process so far: {peak:.0f} MB (now {rss_mb():.0f} MB)")
    print(f"  queries: {counter.count}", flush=True)
    # The same finished HTML, rendered by WeasyPrint alone.
    document = packs.pack_html(made, made_at=made.data_read_at)
    start, cpu_start = time.perf_counter(), time.process_time()
    pdf.html_to_pdf(document.html)
    raw_render, raw_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    start = time.process_time()
    with connection.execute_wrapper(QueryCounter()):
        packs.pack_html(made, made_at=made.data_read_at)
    own = time.process_time() - start
    print(f"  WeasyPrint alone on the same HTML: {raw_render:.1f} s (CPU {raw_cpu:.1f} s)")
    print(
        f"  product's own work (queries + template, CPU): {own:.1f} s "
        f"= {own / raw_cpu:.2f} of WeasyPrint's CPU time; total / raw render: "
        f"wall {wall / raw_render:.2f}x, CPU {cpu / raw_cpu:.2f}x",
        flush=True,
    )
    return made


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/jpa_bench"
        )
    from portfolio import build_partnership, fresh_database

    if not os.environ.get("BENCH_REUSE"):
        fresh_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from partnership.models import Membership, Organisation, Partnership, Role, User
    from principles.models import current_framework

    call_command("migrate", verbosity=0)
    target = Partnership.objects.filter(slug="bench-target").first()
    if target is None:
        framework = current_framework(None)
        levels = list(framework.levels.order_by("rank").values_list("pk", flat=True))
        outcomes = list(framework.outcomes.order_by("rank").values_list("pk", flat=True))
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            build_partnership(cursor, "bench-target", framework.pk, levels, outcomes)
            cursor.execute("ANALYZE")
        print(f"Built the benchmark partnership in {time.perf_counter() - start:.1f} s")
        target = Partnership.objects.get(slug="bench-target")
    user, _ = User.objects.get_or_create(
        email="bench@bench.example", defaults={"full_name": "Bench"}
    )
    Membership.objects.get_or_create(
        user=user, partnership=target, defaults={"role": Role.BOARD_MEMBER}
    )
    print(
        f"Benchmark partnership: {target.services.count()} services, "
        f"{target.projects.count()} projects, {target.audits.count()} audits"
    )
    organisation = Organisation.objects.filter(partnership=target).order_by("pk").first()
    hundred = {"organisation": str(organisation.pk)}
    print(f"Process memory before any pack: {rss_mb():.0f} MB")
    make_pack(target, user, hundred, "Pack of one organisation (about 100 audits)")
    print(f"\nThe 100-audit pack {IN_A_ROW} times in a row (memory after each):")
    for n in range(IN_A_ROW):
        start = time.perf_counter()
        from reporting import packs, services
        from reporting.models import BoardPack

        BoardPack.objects.filter(partnership=target).delete()
        pack, _ = services.board_pack_request(
            partnership=target, by=user, filters=packs.filters_for(target, hundred)
        )
        packs.make(target.pk, pack.pk)
        gc.collect()
        print(
            f"  pack {n + 1}: {time.perf_counter() - start:.1f} s, memory now {rss_mb():.0f} MB",
            flush=True,
        )
    if not os.environ.get("BENCH_SKIP_WHOLE"):
        make_pack(target, user, {}, "Pack of the whole portfolio")


if __name__ == "__main__":
    main()
