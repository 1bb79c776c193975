"""Writes for board packs and board meetings, each in one transaction.

Work is queued with `transaction.on_commit`, so a worker never looks for a pack that is
not stored yet; and if the broker cannot be reached the pack stays queued and the
scheduled job sends it again (see `board_packs_resend`).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from . import audit_pdfs, packs
from .models import AuditPdf, BoardMeeting, BoardPack

logger = logging.getLogger(__name__)
LIVE = (BoardPack.Status.QUEUED, BoardPack.Status.PREPARING, BoardPack.Status.READY)


def _queue(pack):
    from .tasks import make_board_pack

    def send():
        try:
            make_board_pack.delay(pack.partnership_id, pack.pk)
        except Exception:
            # The row is stored and queued; the scheduled job sends it again later.
            logger.exception("Could not queue board pack %s; it will be sent again", pack.pk)

    transaction.on_commit(send)


@transaction.atomic
def board_pack_request(*, partnership, by, filters, meeting=None, today=None):
    """Ask for a pack of `filters` (the dashboard's); returns (pack, created).

    The same filters on the same data on the same day give the pack already asked for,
    so a double click or two board members at once make one pack, not two.
    """
    today = today or timezone.localdate()
    raw = packs.kept_filters(filters)
    key = packs.dedupe_key(partnership, raw, today)
    live = BoardPack.objects.filter(partnership=partnership, dedupe_key=key, status__in=LIVE)
    existing = live.first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            pack = BoardPack.objects.create(
                partnership=partnership,
                requested_by=by,
                meeting=meeting,
                filters=raw,
                filters_text=packs.filters_in_words(filters),
                period_label=filters.period.label,
                dedupe_key=key,
            )
    except IntegrityError:
        # Someone else asked for the same pack a moment earlier.
        return live.get(), False
    _queue(pack)
    return pack, True


def board_pack_retry(*, pack, by):
    """Ask again for a failed pack, with the filters it was made from."""
    filters = packs.filters_for(pack.partnership, pack.filters)
    return board_pack_request(partnership=pack.partnership, by=by, filters=filters)


@transaction.atomic
def board_packs_fail_stuck(*, partnership=None, now=None):
    """Packs whose worker stopped moving them on are failed, so nobody waits for ever.

    The scheduled job looks at every partnership; a pack's page only at its own.
    """
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.BOARD_PACK_STUCK_MINUTES)
    stuck = BoardPack.objects.filter(status=BoardPack.Status.PREPARING, heartbeat_at__lt=limit)
    if partnership is not None:
        stuck = stuck.filter(partnership=partnership)
    return stuck.update(
        status=BoardPack.Status.FAILED,
        failure_reason="The pack stopped before it was finished (the service making it was "
        "interrupted). Try again.",
        finished_at=now,
        stage="",
    )


def board_packs_resend(*, now=None):
    """Queued packs nobody has started (the broker was down when they were asked for).

    Each is sent again at most every half hour (its heartbeat records when), so a worker
    that is down does not come back to a queue full of copies; a copy does nothing anyway.
    """
    now = now or timezone.now()
    waiting = (
        BoardPack.objects.filter(
            status=BoardPack.Status.QUEUED, created_at__lt=now - timedelta(minutes=5)
        )
        .filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - timedelta(minutes=30)))
        .values_list("partnership_id", "pk")
    )
    from .tasks import make_board_pack

    sent = 0
    for partnership_id, pk in list(waiting[:100]):
        make_board_pack.delay(partnership_id, pk)
        BoardPack.objects.filter(pk=pk).update(heartbeat_at=now)
        sent += 1
    return sent


def board_packs_expire(*, now=None):
    """Delete the files of packs older than the retention period; keep their rows."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.BOARD_PACK_RETENTION_DAYS)
    removed = 0
    old = BoardPack.objects.filter(created_at__lt=limit, file_removed_at__isnull=True).exclude(
        status__in=BoardPack.ACTIVE
    )
    for pack in old.iterator():
        for field in (pack.file, pack.html_file):
            if field:
                field.delete(save=False)
        pack.file_removed_at = now
        pack.save(update_fields=["file", "html_file", "file_removed_at"])
        removed += 1
    return removed


@transaction.atomic
def board_meeting_add(*, partnership, date, title="", by=None):
    return BoardMeeting.objects.create(
        partnership=partnership, date=date, title=title, created_by=by
    )


@transaction.atomic
def board_meeting_remove(*, meeting):
    meeting.delete()


def meeting_packs_make(*, today=None):
    """For each meeting the set number of days away, ask for a financial-year-to-date pack.

    Runs daily; a meeting whose pack was asked for already is skipped, so running it twice
    makes one pack. Returns the packs asked for.
    """
    today = today or timezone.localdate()
    due = today + timedelta(days=settings.BOARD_PACK_DAYS_BEFORE_MEETING)
    made = []
    meetings = (
        BoardMeeting.objects.filter(date__gte=today, date__lte=due)
        .exclude(packs__status__in=LIVE)
        .select_related("partnership")
    )
    for meeting in meetings:
        from .filters import financial_year

        filters = packs.filters_for(
            meeting.partnership, {"period": f"fy{financial_year(today)}"}, today=today
        )
        pack, created = board_pack_request(
            partnership=meeting.partnership, by=None, filters=filters, meeting=meeting, today=today
        )
        if not created and pack.meeting_id is None:
            BoardPack.objects.filter(pk=pack.pk).update(meeting=meeting)
            pack.meeting = meeting
            if pack.status == BoardPack.Status.READY:
                # Made earlier today from the same filters: the board is told now.
                from .tasks import send_pack_ready_email

                transaction.on_commit(lambda pack=pack: send_pack_ready_email(pack))
        made.append(pack)
    return made


# --- One audit's PDF -------------------------------------------------------------------


def _queue_audit_pdf(record):
    from .tasks import make_audit_pdf

    def send():
        try:
            make_audit_pdf.delay(record.partnership_id, record.pk)
        except Exception:
            # The row is stored and queued; the scheduled job sends it again later.
            logger.exception("Could not queue the PDF of audit %s", record.audit_id)

    transaction.on_commit(send)


def _file_lost(record):
    if record.status != AuditPdf.Status.READY:
        return False
    return not record.file or not record.file.storage.exists(record.file.name)


@transaction.atomic
def audit_pdf_request(*, audit, by):
    """Ask for the PDF of `audit` as it is now; returns (record, created).

    The same audit, unchanged, asked for again (a double click, two people) reuses the PDF
    made or being made; an audit changed since gets a new one. The caller has checked
    that `by` may see the audit.
    """
    key = audit_pdfs.fingerprint(audit)
    existing = audit_pdfs.current(audit, key)
    if existing and _file_lost(existing):
        logger.error("The stored PDF of audit %s is missing; making it again", audit.pk)
        AuditPdf.objects.filter(pk=existing.pk).update(
            status=AuditPdf.Status.FAILED, failure_reason="The stored file was missing."
        )
        existing = None
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            record = AuditPdf.objects.create(
                partnership_id=audit.partnership_id, audit=audit, fingerprint=key, requested_by=by
            )
    except IntegrityError:
        return audit_pdfs.current(audit, key), False
    _queue_audit_pdf(record)
    return record, True


def audit_pdfs_fail_stuck(*, now=None):
    """PDFs whose worker stopped are failed; queued ones nobody started are sent again."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.BOARD_PACK_STUCK_MINUTES)
    failed = AuditPdf.objects.filter(
        status=AuditPdf.Status.PREPARING, heartbeat_at__lt=limit
    ).update(
        status=AuditPdf.Status.FAILED,
        failure_reason="The PDF stopped before it was finished (the service making it was "
        "interrupted). Try again.",
        finished_at=now,
    )
    waiting = (
        AuditPdf.objects.filter(
            status=AuditPdf.Status.QUEUED, created_at__lt=now - timedelta(minutes=5)
        )
        .filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - timedelta(minutes=30)))
        .values_list("partnership_id", "pk")
    )
    from .tasks import make_audit_pdf

    for partnership_id, pk in list(waiting[:100]):
        make_audit_pdf.delay(partnership_id, pk)
        AuditPdf.objects.filter(pk=pk).update(heartbeat_at=now)
    return failed
