"""The directory import as background work: confirm, queue, write, report.

The admin's confirmation makes a `DirectoryImport` holding the checked file and queues
`partnership.tasks.directory_import_run` once the row is committed. The worker claims
the job (a second run of the same task finds it taken), writes every row in one
transaction and marks the job done in that same transaction, so the job says "done"
exactly when the rows are there. The file is deleted once the rows are written.

Progress ("Saving: n of N rows") cannot be written to the job's row while the rows are
being written: nobody else sees the row until the transaction commits. It goes to the
"progress" cache (Redis, or files on the embedded default, shared by web and worker),
together with the time the worker last reported, so a job whose worker died is shown
as failed once it has been silent for DIRECTORY_IMPORT_STUCK_MINUTES.
"""

import logging
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import directory_import as di
from .models import DirectoryImport

logger = logging.getLogger(__name__)

PROGRESS_STEPS = 50
LISTED = 100  # rows named on the result page per sheet and kind; the rest are counted
STUCK_REASON = (
    "The import stopped before it was finished (the service that saves imports was "
    "interrupted). Nothing was saved. Try again."
)


class Superseded(Exception):
    """The job was marked failed while its worker was still writing; undo the writes."""


# --- progress ----------------------------------------------------------------------


def _cache():
    return caches["progress"]


def _progress_key(job):
    # The database's name too: test runs and benchmarks on one machine share the cache.
    database = connection.settings_dict["NAME"]
    return f"directory-import:{database}:{job.partnership_id}:{job.pk}"


def progress_of(job):
    """(rows written, rows to write, when the worker last reported) or None."""
    return _cache().get(_progress_key(job))


def _report(job, done, total):
    _cache().set(_progress_key(job), (done, total, time.time()), timeout=24 * 60 * 60)


class _Progress:
    """Reports at most PROGRESS_STEPS times, and at least every few seconds as a heartbeat."""

    def __init__(self, job):
        self.job, self.step, self.last = job, -1, 0.0

    def __call__(self, done, total):
        step = (done * PROGRESS_STEPS) // total if total else PROGRESS_STEPS
        now = time.monotonic()
        if step > self.step or now - self.last > 5:
            self.step, self.last = step, now
            _report(self.job, done, total)


# --- asking ------------------------------------------------------------------------


def _queue(job):
    from .tasks import directory_import_run

    def send():
        try:
            directory_import_run.delay(job.partnership_id, job.pk)
        except Exception:
            # The job is stored and queued; the scheduled tidy-up sends it again.
            logger.exception("Could not queue directory import %s; it will be sent again", job.pk)

    transaction.on_commit(send)


@transaction.atomic
def directory_import_request(*, partnership, by, token, path, file_name, rows_total):
    """Queue the writing of a checked file; returns (job, created).

    The same preview confirmed twice (a double click) finds the job already made.
    """
    existing = DirectoryImport.objects.filter(partnership=partnership, token=token).first()
    if existing:
        return existing, False
    job = DirectoryImport(
        partnership=partnership,
        requested_by=by,
        token=token,
        file_name=file_name[:255],
        rows_total=rows_total,
    )
    job.file.name = path
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        return DirectoryImport.objects.get(partnership=partnership, token=token), False
    _queue(job)
    return job, True


@transaction.atomic
def directory_import_retry(*, job):
    """Queue a failed job again with its kept file; returns whether it was queued."""
    if job.status != DirectoryImport.Status.FAILED or not job.file or job.file_removed_at:
        return False
    queued = DirectoryImport.objects.filter(pk=job.pk, status=DirectoryImport.Status.FAILED).update(
        status=DirectoryImport.Status.QUEUED,
        failure_reason="",
        problems=[],
        started_at=None,
        finished_at=None,
    )
    if queued:
        _cache().delete(_progress_key(job))
        _queue(job)
    return bool(queued)


# --- writing -----------------------------------------------------------------------


def claim(partnership_id, job_id):
    """Take a queued job for this worker; None when it was taken already."""
    taken = DirectoryImport.objects.filter(
        partnership_id=partnership_id, pk=job_id, status=DirectoryImport.Status.QUEUED
    ).update(status=DirectoryImport.Status.SAVING, started_at=timezone.now())
    if not taken:
        return None
    return DirectoryImport.objects.select_related("partnership").get(pk=job_id)


def run(partnership_id, job_id):
    """Write one job's file; returns the job, or None when there was nothing to do."""
    job = claim(partnership_id, job_id)
    if job is None:
        return None
    _report(job, 0, job.rows_total)
    try:
        with job.file.open("rb") as handle:
            sheets = di.read_rows(job.file_name, handle.read())
        with transaction.atomic():
            plan = di.directory_import(
                partnership=job.partnership, sheets=sheets, on_progress=_Progress(job)
            )
            # Done in the same transaction as the rows: both are saved, or neither.
            finished = DirectoryImport.objects.filter(
                pk=job.pk, status=DirectoryImport.Status.SAVING
            ).update(
                status=DirectoryImport.Status.DONE,
                result=_result(plan),
                rows_total=di.rows_to_write(plan),
                finished_at=timezone.now(),
            )
            if not finished:
                raise Superseded
    except Superseded:
        logger.warning("Directory import %s was marked failed while writing; undone", job.pk)
        return None
    except di.ImportHasProblems as failure:
        # The directory changed between the preview and the worker (someone added a
        # service of the same name meanwhile): what stands in the way now, by place.
        fail(
            job,
            f"The directory changed after the file was checked, and {len(failure.plan.problems)} "
            "row(s) no longer fit. Nothing was saved.",
            problems=[str(p) for p in failure.plan.problems[:LISTED]],
        )
        return None
    except (di.ImportRefused, FileNotFoundError, OSError):
        logger.exception("Directory import %s could not read its file", job.pk)
        fail(job, "The checked file could not be read again. Nothing was saved. Upload it again.")
        return None
    except Exception:
        # The reason goes to the log for the support team; the page says what to do.
        logger.exception("Directory import %s of partnership %s failed", job.pk, partnership_id)
        fail(
            job,
            "Something went wrong while saving, so nothing was saved. The error has been "
            "logged for the support team. Try again; if it fails again, ask for help.",
        )
        return None
    _cache().delete(_progress_key(job))
    _remove_file(job)
    job.refresh_from_db()
    return job


def _result(plan):
    def rows(changes):
        return [[c.label, c.obj.pk if c.obj is not None else None] for c in changes[:LISTED]]

    return {
        "counts": {name: list(c) for name, c in plan.counts().items()},
        "created": {name: rows(changes) for name, changes in plan.creates.items()},
        "changed": {name: rows(changes) for name, changes in plan.changes.items()},
    }


def fail(job, reason, problems=()):
    DirectoryImport.objects.filter(pk=job.pk, status__in=DirectoryImport.ACTIVE).update(
        status=DirectoryImport.Status.FAILED,
        failure_reason=reason[:300],
        problems=list(problems),
        finished_at=timezone.now(),
    )
    _cache().delete(_progress_key(job))


def _remove_file(job):
    if job.file and default_storage.exists(job.file.name):
        default_storage.delete(job.file.name)
    DirectoryImport.objects.filter(pk=job.pk).update(file_removed_at=timezone.now())


# --- noticing workers that died ----------------------------------------------------


def last_heard(job):
    """When the worker last reported on this job (its start if it never did)."""
    progress = progress_of(job)
    heard = job.started_at
    if progress is not None:
        reported = datetime.fromtimestamp(progress[2], tz=UTC)
        heard = max(heard, reported) if heard else reported
    return heard


def directory_imports_fail_stuck(*, partnership=None, now=None):
    """Jobs whose worker went silent are failed, so nobody waits for ever.

    A worker that died mid-write leaves nothing: its transaction is rolled back with
    its connection. One still writing after this is refused when it tries to finish.
    """
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.DIRECTORY_IMPORT_STUCK_MINUTES)
    saving = DirectoryImport.objects.filter(
        status=DirectoryImport.Status.SAVING, started_at__lt=limit
    )
    if partnership is not None:
        saving = saving.filter(partnership=partnership)
    failed = 0
    for job in saving[:100]:
        heard = last_heard(job)
        if heard is None or heard < limit:
            failed += DirectoryImport.objects.filter(
                pk=job.pk, status=DirectoryImport.Status.SAVING
            ).update(
                status=DirectoryImport.Status.FAILED,
                failure_reason=STUCK_REASON,
                finished_at=now,
            )
    return failed


def directory_imports_resend(*, now=None):
    """Queued jobs nobody started (the broker was down when they were confirmed)."""
    from .tasks import directory_import_run

    now = now or timezone.now()
    waiting = DirectoryImport.objects.filter(
        status=DirectoryImport.Status.QUEUED, created_at__lt=now - timedelta(minutes=5)
    ).values_list("partnership_id", "pk")
    sent = 0
    for partnership_id, pk in list(waiting[:100]):
        directory_import_run.delay(partnership_id, pk)
        sent += 1
    return sent


def directory_imports_tidy(*, now=None):
    """Delete the kept files of failed jobs after DIRECTORY_IMPORT_KEEP_FAILED_DAYS, and
    files checked a day ago whose preview was never confirmed."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.DIRECTORY_IMPORT_KEEP_FAILED_DAYS)
    old = DirectoryImport.objects.filter(
        status=DirectoryImport.Status.FAILED, finished_at__lt=limit, file_removed_at__isnull=True
    )
    removed = 0
    for job in old[:500]:
        _remove_file(job)
        removed += 1
    return removed + _remove_unconfirmed(now - timedelta(days=1))


def _remove_unconfirmed(before):
    if not default_storage.exists("imports"):
        return 0
    kept = set(
        DirectoryImport.objects.filter(file_removed_at__isnull=True).values_list("file", flat=True)
    )
    removed = 0
    folders, _ = default_storage.listdir("imports")
    for folder in folders:
        _, names = default_storage.listdir(f"imports/{folder}")
        for name in names:
            path = f"imports/{folder}/{name}"
            if path not in kept and default_storage.get_modified_time(path) < before:
                default_storage.delete(path)
                removed += 1
    return removed
