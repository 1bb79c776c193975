"""Evidence files of old audits, removed when the partnership's period has passed.

Registered with the retention job of partnership/retention.py (which may not import this
app). The evidence row stays, with its title, saying the file was removed and when, so an
audit still shows what it rested on.
"""

import logging

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from .models import Evidence

log = logging.getLogger(__name__)


def old_evidence_files(*, partnership, now):
    """File evidence still held of this partnership's audits older than its period: by
    the date of the audit, or when it was started if it has no date."""
    cutoff = now - relativedelta(years=partnership.evidence_file_years)
    return Evidence.objects.filter(
        audit__partnership=partnership,
        kind=Evidence.Kind.FILE,
        file_removed_at__isnull=True,
    ).filter(
        Q(audit__audit_date__lt=cutoff.date())
        | Q(audit__audit_date__isnull=True, audit__created_at__lt=cutoff)
    )


def evidence_files_expire(*, partnership, now, dry_run):
    evidence = list(old_evidence_files(partnership=partnership, now=now))
    if not dry_run:
        for item in evidence:
            if item.file:
                # A file already missing from storage is gone all the same.
                item.file.delete(save=False)
            item.file = ""
            item.file_removed_at = now
            item.save(update_fields=["file", "file_removed_at"])
    return [
        f"evidence files of audits older than {partnership.evidence_file_years} years "
        f"removed: {len(evidence)}"
    ]
