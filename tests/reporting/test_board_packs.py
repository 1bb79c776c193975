# ruff: noqa: F811  (the `world` fixture is imported from the portfolio tests)
"""Board packs: made by the task from the dashboard's filters, matching the dashboard."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit
from partnership.models import Role
from reporting import packs, services
from reporting.models import BoardMeeting, BoardPack
from tests.dates import date_fields
from tests.factories import ProjectFactory
from tests.reporting.test_portfolio import make_audit, world  # noqa: F401

from .pdf_helpers import (
    headings_in,
    outline_titles,
    reader,
    squash,
    structure_elements,
    text_of,
)


def ask(client, area, **filters):
    return client.post(reverse("reporting:pack_create", args=[area.partnership.slug]), filters)


@pytest.fixture
def made(client_for, area, world, django_capture_on_commit_callbacks):
    """A commissioner asks for a pack of the whole portfolio; the task makes it."""
    client = client_for(area, Role.COMMISSIONER)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, area)
    pack = BoardPack.objects.get(partnership=area.partnership)
    assert response.url == pack.get_absolute_url()
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.READY, pack.failure_reason
    return client, pack


def download(client, pack):
    response = client.get(reverse("reporting:pack_download", args=[pack.partnership.slug, pack.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_pack_holds_the_dashboards_figures_and_one_summary_per_audit(area, world, made):
    client, pack = made
    dashboard = client.get(reverse("reporting:dashboard", args=[area.partnership.slug]))
    head = dashboard.context["headline"]
    text = text_of(download(client, pack))
    for label, value in (
        ("Audits accepted in the period", head.accepted),
        ("Audits awaiting review", head.awaiting_review),
        ("Reviews overdue", head.reviews_overdue),
        ("Actions overdue", head.actions_overdue),
    ):
        assert re.search(rf"{label} {value}\b", text), label
    assert f"of {head.projects} active {head.audited_projects}" in text
    for _, name, count in head.outcomes:
        assert f"Overall outcome {name} {count}" in text
    # One summary per portfolio audit (P1's and P2's latest), none for older or unaccepted ones.
    assert text.count("Level given to each principle") == head.audited_projects == 2
    for key in ("p1_new", "p2_new"):
        audit = Audit.objects.get(pk=world[key].pk)
        assert audit.project.title in text
        assert audit.review_date.strftime("%-d %B %Y") in text
    assert world["p3"].title + " " not in text.split("Summary of each project")[-1]
    assert pack.audit_count == 2 and pack.page_count >= 8 and pack.size > 10_000
    assert "How the figures are made" in text


def test_pack_of_filters_matches_the_filtered_dashboard(
    client_for,
    area,
    world,
    django_capture_on_commit_callbacks,
):
    client = client_for(area, Role.BOARD_MEMBER)
    sector = {"sector": "health"}
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, area, **sector)
    pack = BoardPack.objects.get(partnership=area.partnership)
    assert pack.filters == sector and "Sector: Health" in pack.filters_text
    dashboard = client.get(reverse("reporting:dashboard", args=[area.partnership.slug]), sector)
    head = dashboard.context["headline"]
    text = text_of(download(client, pack))
    assert text.count("Level given to each principle") == head.audited_projects == 1
    assert world["p2_new"].project.title in text and "Sector: Health" in text


def test_pack_is_tagged_with_outline_and_chart_alternative_text(made, caplog):
    client, pack = made
    # WeasyPrint logs an error for anything PDF/UA needs and the pack lacks.
    assert not [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= 40]
    data = download(client, pack)
    pdf = reader(data)
    root = pdf.trailer["/Root"]
    assert str(root["/Lang"]).lower() == "en-gb"
    assert pdf.metadata.title.startswith("SEND Improvement Board board pack")
    elements = structure_elements(data)
    tags = [tag for tag, _ in elements]
    assert "/Table" in tags and "/TH" in tags
    figures = [element for tag, element in elements if tag == "/Figure"]
    # The profile chart, one chart per sector and the trend chart, each with its words.
    assert len(figures) >= 3
    for figure in figures:
        assert "The same figures are in the table that follows" in str(figure["/Alt"])
    html = pack.html_file.open("rb").read().decode()
    assert len(outline_titles(data)) == len(headings_in(html))


def test_html_version_is_offered_and_is_the_same_pack(made):
    client, pack = made
    page = client.get(pack.get_absolute_url()).content.decode()
    assert reverse("reporting:pack_html", args=[pack.partnership.slug, pack.pk]) in page
    response = client.get(reverse("reporting:pack_html", args=[pack.partnership.slug, pack.pk]))
    html = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Summary of each project" in html and 'lang="en-GB"' in html
    # The stored page was written by a worker without a nonce: its own narrower policy
    # lets its <style> blocks apply and nothing else (no script, nothing from elsewhere).
    csp = response["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    assert "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert "report-uri /csp-report" in csp
    assert 'style="' not in html and "<script" not in html


def test_the_person_who_asked_is_emailed(made):
    _, pack = made
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [pack.requested_by.email]
    assert f"/board-packs/{pack.pk}/download/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and "Download the board pack" in html


def test_progress_moves_and_ends_at_every_audit(area, monkeypatch):
    for n in range(6):
        make_audit(area, ProjectFactory(service=area.service), 30 + n, rank=2)
    seen = []
    original = packs._Progress.save

    def record(self, done, stage="Preparing"):
        seen.append(done)
        original(self, done, stage)

    monkeypatch.setattr(packs._Progress, "save", record)
    pack, _ = request_pack(area)
    packs.make(area.partnership.pk, pack.pk)
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.READY
    assert seen == sorted(seen) and seen[-1] == 6 == pack.progress_total == pack.progress_done
    assert any(0 < done < 6 for done in seen), seen


def request_pack(area, **raw):
    filters = packs.filters_for(area.partnership, raw)
    return services.board_pack_request(
        partnership=area.partnership, by=area.members[Role.COMMISSIONER].user, filters=filters
    )


def test_a_render_failure_is_recorded_with_the_reason_in_the_log(area, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(packs.pdf, "html_to_pdf", broken)
    pack, _ = request_pack(area)
    assert packs.make(area.partnership.pk, pack.pk) is None
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.FAILED
    assert "could not be laid out" in pack.failure_reason
    assert "layout exploded" not in pack.failure_reason
    assert "layout exploded" in caplog.text


def test_failed_pack_page_offers_try_again(client_for, area, django_capture_on_commit_callbacks):
    pack, _ = request_pack(area)
    packs.fail(pack, "The pack could not be laid out.")
    client = client_for(area, Role.BOARD_MEMBER)
    page = client.get(pack.get_absolute_url()).content.decode()
    assert "could not be laid out" in page and "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:pack_retry", args=[area.partnership.slug, pack.pk])
        )
    fresh = BoardPack.objects.exclude(pk=pack.pk).get()
    assert response.url == fresh.get_absolute_url()
    assert fresh.status == BoardPack.Status.READY


def test_asking_twice_makes_one_pack(client_for, area, django_capture_on_commit_callbacks):
    board = client_for(area, Role.BOARD_MEMBER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = ask(board, area, period="12m")
        second = ask(board, area, period="12m")
    assert first.url == second.url
    assert BoardPack.objects.count() == 1 and len(callbacks) == 1
    # Another board member asking for the same filters on the same data gets the same pack.
    other, created = request_pack(area, period="12m")
    assert not created and other.pk == BoardPack.objects.get().pk
    # Different filters are a different pack.
    assert request_pack(area, period="all")[1]


def test_the_task_run_twice_makes_the_pack_once(area):
    pack, _ = request_pack(area)
    assert packs.make(area.partnership.pk, pack.pk) is not None
    first_file = BoardPack.objects.get(pk=pack.pk).file.name
    assert packs.make(area.partnership.pk, pack.pk) is None
    assert BoardPack.objects.get(pk=pack.pk).file.name == first_file


def test_a_stuck_pack_is_marked_failed(client_for, area, settings):
    settings.BOARD_PACK_STUCK_MINUTES = 30
    pack, _ = request_pack(area)
    long_ago = timezone.now() - timedelta(minutes=31)
    BoardPack.objects.filter(pk=pack.pk).update(
        status=BoardPack.Status.PREPARING, started_at=long_ago, heartbeat_at=long_ago
    )
    recent, _ = request_pack(area, period="12m")
    BoardPack.objects.filter(pk=recent.pk).update(
        status=BoardPack.Status.PREPARING, heartbeat_at=timezone.now()
    )
    page = client_for(area, Role.BOARD_MEMBER).get(pack.get_absolute_url()).content.decode()
    assert "stopped before it was finished" in page and "Try again" in page
    assert BoardPack.objects.get(pk=pack.pk).status == BoardPack.Status.FAILED
    assert BoardPack.objects.get(pk=recent.pk).status == BoardPack.Status.PREPARING


def test_a_pack_queued_while_the_broker_is_down_is_kept_and_sent_again(area, monkeypatch):
    from reporting import tasks

    sent = []

    def down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.make_board_pack, "delay", down)
    pack, _ = request_pack(area)
    services._queue(pack)  # what on_commit does; it must not raise
    assert BoardPack.objects.get(pk=pack.pk).status == BoardPack.Status.QUEUED
    monkeypatch.setattr(tasks.make_board_pack, "delay", lambda *args: sent.append(args))
    BoardPack.objects.filter(pk=pack.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert services.board_packs_resend() == 1
    assert sent == [(area.partnership.pk, pack.pk)]
    # Not again at the next run: once every half hour at most.
    assert services.board_packs_resend() == 0
    later = timezone.now() + timedelta(minutes=31)
    assert services.board_packs_resend(now=later) == 1


def test_retention_deletes_old_files_and_keeps_the_row(client_for, area, settings):
    settings.BOARD_PACK_RETENTION_DAYS = 730
    old, _ = request_pack(area)
    packs.make(area.partnership.pk, old.pk)
    new, _ = request_pack(area, period="12m")
    packs.make(area.partnership.pk, new.pk)
    BoardPack.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=731))
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    assert services.board_packs_expire() == 1
    old.refresh_from_db()
    assert not storage.exists(name) and old.file_removed_at is not None
    assert BoardPack.objects.get(pk=new.pk).file_removed_at is None
    client = client_for(area, Role.ADMIN)
    assert (
        "File removed"
        in client.get(reverse("reporting:pack_list", args=[area.partnership.slug])).content.decode()
    )
    response = client.get(reverse("reporting:pack_download", args=[area.partnership.slug, old.pk]))
    assert response.status_code == 404 and "no longer stored" in response.content.decode()


def test_missing_file_is_a_clear_page(client_for, area):
    pack, _ = request_pack(area)
    packs.make(area.partnership.pk, pack.pk)
    pack.refresh_from_db()
    pack.file.storage.delete(pack.file.name)
    response = client_for(area, Role.BOARD_MEMBER).get(
        reverse("reporting:pack_download", args=[area.partnership.slug, pack.pk])
    )
    assert response.status_code == 404
    assert "The pack’s file is not available" in response.content.decode()


def test_files_are_stored_under_the_partnerships_path(area):
    pack, _ = request_pack(area)
    pack = packs.make(area.partnership.pk, pack.pk)
    assert pack.file.name.startswith(f"board-packs/{area.partnership.pk}/")
    assert pack.html_file.name.startswith(f"board-packs/{area.partnership.pk}/")


@pytest.mark.parametrize("role", [Role.SERVICE_LEAD, Role.FAMILY_PARTNER])
def test_roles_without_packs_are_refused(client_for, area, role):
    pack, _ = request_pack(area)
    client = client_for(area, role)
    assert (
        client.get(reverse("reporting:pack_list", args=[area.partnership.slug])).status_code == 403
    )
    assert client.get(pack.get_absolute_url()).status_code == 403
    assert ask(client, area).status_code == 403


def test_empty_portfolio_says_so_on_the_first_page(client_for, area):
    pack, _ = request_pack(area)
    pack = packs.make(area.partnership.pk, pack.pk)
    first = squash(reader(pack.file.open("rb").read()).pages[0].extract_text())
    assert "There are no accepted audits in the portfolio for these filters" in first


def test_packs_list_newest_first(client_for, area):
    older, _ = request_pack(area, period="all")
    newer, _ = request_pack(area, period="12m")
    BoardPack.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
    page = (
        client_for(area, Role.BOARD_MEMBER)
        .get(reverse("reporting:pack_list", args=[area.partnership.slug]))
        .content.decode()
    )
    assert page.index(newer.get_absolute_url()) < page.index(older.get_absolute_url())
    # A ready pack offers its PDF and, next to it, its HTML version.
    packs.make(area.partnership.pk, newer.pk)
    page = (
        client_for(area, Role.BOARD_MEMBER)
        .get(reverse("reporting:pack_list", args=[area.partnership.slug]))
        .content.decode()
    )
    slug = area.partnership.slug
    download = reverse("reporting:pack_download", args=[slug, newer.pk])
    assert download in page and reverse("reporting:pack_html", args=[slug, newer.pk]) in page
    assert reverse("reporting:pack_download", args=[slug, older.pk]) not in page


def test_making_a_pack_takes_a_fixed_number_of_queries(area):
    def queries_for_pack(raw):
        pack, _ = request_pack(area, **raw)
        with CaptureQueriesContext(connection) as captured:
            packs.make(area.partnership.pk, pack.pk)
        progress = [q for q in captured if "progress_done" in q["sql"] and "UPDATE" in q["sql"]]
        assert len(progress) <= packs.PROGRESS_STEPS + 2
        return len(captured) - len(progress)

    make_audit(area, area.project, 20, rank=2)
    # Each period on its own: a portfolio of all time shares its rows with the latest
    # accepted audits (one query fewer than a dated period).
    periods = ({"period": "all"}, {"period": "12m"})
    few = [queries_for_pack(raw) for raw in periods]
    for n in range(8):
        make_audit(area, ProjectFactory(service=area.service), 10 + n, rank=3)
    many = [queries_for_pack(raw) for raw in periods]
    assert few == many
    assert many[0] <= many[1] <= many[0] + 1


def test_meeting_packs_are_made_before_each_meeting_and_board_members_told(
    area, settings, django_capture_on_commit_callbacks
):
    settings.BOARD_PACK_DAYS_BEFORE_MEETING = 10
    today = timezone.localdate()
    soon = BoardMeeting.objects.create(partnership=area.partnership, date=today + timedelta(days=9))
    BoardMeeting.objects.create(partnership=area.partnership, date=today + timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        made = services.meeting_packs_make()
        again = services.meeting_packs_make()
    assert len(made) == 1 and again == []
    pack = BoardPack.objects.get()
    assert pack.meeting == soon and pack.status == BoardPack.Status.READY
    assert pack.filters["period"].startswith("fy") and "Financial year" in pack.period_label
    assert [m.to for m in mail.outbox] == [[area.members[Role.BOARD_MEMBER].user.email]]


def test_admin_records_meetings_and_others_only_read_them(client_for, area):
    url = reverse("reporting:meeting_list", args=[area.partnership.slug])
    admin = client_for(area, Role.ADMIN)
    when = timezone.localdate() + timedelta(days=30)
    response = admin.post(url, {**date_fields("date", when), "title": "Summer board"})
    assert response.status_code == 302
    assert BoardMeeting.objects.get().date == when
    again = admin.post(url, date_fields("date", when))
    assert "already recorded" in again.content.decode()
    past = admin.post(url, date_fields("date", timezone.localdate() - timedelta(days=1)))
    assert "today or in the future" in past.content.decode()
    board = client_for(area, Role.BOARD_MEMBER)
    assert "Summer board" in board.get(url).content.decode()
    assert board.post(url, date_fields("date", when)).status_code == 403


def test_filters_that_no_longer_match_fail_with_a_reason(area):
    from tests.factories import OrganisationFactory

    gone = OrganisationFactory(partnership=area.partnership)
    pack, _ = request_pack(area, organisation=str(gone.pk))
    gone.delete()
    assert packs.make(area.partnership.pk, pack.pk) is None
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.FAILED
    assert "“Organisation” no longer matches anything" in pack.failure_reason


def test_a_meeting_reuses_todays_identical_pack_and_tells_the_board(
    area, settings, django_capture_on_commit_callbacks
):
    from reporting.filters import financial_year

    settings.BOARD_PACK_DAYS_BEFORE_MEETING = 10
    today = timezone.localdate()
    pack, _ = request_pack(area, period=f"fy{financial_year(today)}")
    packs.make(area.partnership.pk, pack.pk)
    meeting = BoardMeeting.objects.create(
        partnership=area.partnership, date=today + timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        made = services.meeting_packs_make()
    assert [p.pk for p in made] == [pack.pk]
    assert BoardPack.objects.get().meeting == meeting
    assert [m.to for m in mail.outbox] == [[area.members[Role.BOARD_MEMBER].user.email]]


def test_pack_pages_take_a_bounded_number_of_queries(
    client_for, area, django_assert_max_num_queries
):
    for n in range(12):
        pack, _ = request_pack(
            area, period="all", outcome=str(1 + n % 3), sector="health" if n % 2 else ""
        )
    client = client_for(area, Role.BOARD_MEMBER)
    with django_assert_max_num_queries(12):
        assert (
            client.get(reverse("reporting:pack_list", args=[area.partnership.slug])).status_code
            == 200
        )
    with django_assert_max_num_queries(12):
        assert client.get(pack.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        client.get(reverse("reporting:pack_status", args=[area.partnership.slug, pack.pk]))


def test_downloading_a_pack_is_in_the_security_log(area, made):
    from partnership.models import SecurityEvent

    client, pack = made
    download(client, pack)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.BOARD_PACK_DOWNLOADED)
    assert event.partnership == area.partnership
    assert event.user == area.members[Role.COMMISSIONER].user
    assert event.detail["pack"] == pack.pk


def test_a_large_portfolio_gives_each_audit_a_row_weakest_first_with_a_link_to_its_pdf(
    client_for, area, world, settings, django_capture_on_commit_callbacks, caplog
):
    # Past the limit each audit is a row of its service's table instead of a page.
    settings.BOARD_PACK_PAGE_PER_AUDIT_UP_TO = 2
    weak = make_audit(area, ProjectFactory(service=world["s2"], title="P5"), 90, rank=1)
    Audit.objects.filter(pk=weak.pk).update(outcome=None)
    client = client_for(area, Role.BOARD_MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, area)
    pack = BoardPack.objects.get(partnership=area.partnership)
    assert pack.status == BoardPack.Status.READY, pack.failure_reason
    head = client.get(reverse("reporting:dashboard", args=[area.partnership.slug])).context[
        "headline"
    ]
    assert pack.audit_count == head.audited_projects == 3
    data = download(client, pack)
    text = text_of(data)
    assert "too many for a page each" in text
    assert "Level given to each principle" not in text
    summaries = text.split("Summary of each project’s latest audit")[-1]
    # Trust's Therapies: P5 (lowest levels, no outcome) before P2.
    assert summaries.index("P5") < summaries.index("P2")
    for key in ("p1_new", "p2_new"):
        audit = Audit.objects.get(pk=world[key].pk)
        assert audit.review_date.strftime("%-d %b %Y") in summaries
    # Each row gives every principle's level by number and short name, and the key says
    # what each short name stands for.
    short = {"Room for Improvement": "RI", "Good": "G", "Excellent": "E"}
    levels = list(weak.framework.levels.order_by("rank"))
    assert [level.name for level in levels] == list(short)
    key = "; ".join(f"{short[level.name]} {level.name}" for level in levels)
    assert f"short name: {key}; NS not scored." in summaries
    for audit in (world["p1_new"], world["p2_new"], weak):
        row = " · ".join(
            f"{a.principle.number} {short[a.level.name]}"
            for a in audit.assessments.select_related("principle", "level").order_by(
                "principle__number"
            )
        )
        assert row.count("·") == 5
        assert f"{audit.project.title} {row}" in summaries
    html = pack.html_file.open("rb").read().decode()
    for audit in (world["p1_new"], world["p2_new"], weak):
        assert reverse("reporting:audit_pdf", args=[area.partnership.slug, audit.pk]) in html
    # Still tagged: structure tree, language, title and one outline entry per heading.
    assert not [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= 40]
    pdf = reader(data)
    assert str(pdf.trailer["/Root"]["/Lang"]).lower() == "en-gb"
    assert pdf.metadata.title.startswith("SEND Improvement Board board pack")
    tags = [tag for tag, _ in structure_elements(data)]
    assert tags.count("/Table") >= 3 and "/TH" in tags and "/Link" in tags
    assert len(outline_titles(data)) == len(headings_in(html))


def test_compact_rows_read_audits_of_another_framework_version_by_their_level_names(area, world):
    from principles.services import framework_new_version, framework_publish

    older = Audit.objects.get(pk=world["p1_new"].pk)
    newer_framework = framework_publish(framework=framework_new_version(framework=older.framework))
    assert newer_framework.pk != older.framework_id
    newer = make_audit(area, ProjectFactory(service=world["s2"], title="On the new version"), 5, 2)
    assert newer.framework_id == newer_framework.pk
    audits = packs._summaries(area.partnership, [older.pk, newer.pk])
    # The first audit's framework is the older one: the newer audit's levels are other rows.
    short, key = packs.level_key(packs._levels_of(older.framework, audits))
    assert key == [
        ("RI", "Room for Improvement"),
        ("G", "Good"),
        ("E", "Excellent"),
        (packs.NOT_SCORED, "not scored"),
    ]
    rows = {
        row.audit.pk: row.levels
        for group in packs.compact_groups(audits, timezone.localdate(), short)
        for service in group.services
        for row in service.rows
    }
    assert rows[newer.pk] == " · ".join(f"{n}\u00a0G" for n in range(1, 7))
    assert rows[older.pk] == " · ".join(f"{n}\u00a0E" for n in range(1, 7))
