"""Board packs (PDF summaries of the portfolio for the board) and board meeting dates."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from partnership.models import Partnership


def pack_path(instance, filename):
    # The partnership is in the path, and the stored name is never a guessable one.
    import uuid

    extension = filename.rsplit(".", 1)[-1]
    return f"board-packs/{instance.partnership_id}/{instance.pk}-{uuid.uuid4().hex}.{extension}"


class BoardMeeting(models.Model):
    """A meeting of the partnership's board; a pack is made for it a set number of days before."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="board_meetings"
    )
    date = models.DateField("date of the meeting")
    title = models.CharField(max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "date"], name="one_board_meeting_a_day")
        ]

    def __str__(self):
        return self.title or f"Board meeting on {self.date:%-d %B %Y}"


class BoardPack(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PREPARING = "preparing", "Preparing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.PREPARING)

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="packs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meeting = models.ForeignKey(
        BoardMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="packs"
    )
    # The portfolio filters exactly as the dashboard's URL carries them, so the pack can be
    # made again and compared; and the same in words, as they were when it was asked for.
    filters = models.JSONField(default=dict, blank=True)
    filters_text = models.TextField(blank=True)
    period_label = models.CharField(max_length=100, blank=True)
    # The same filters on the same data on the same day make the same pack.
    dedupe_key = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    data_read_at = models.DateTimeField("when its data was read", null=True, blank=True)
    audit_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=pack_path, blank=True, max_length=200)
    html_file = models.FileField(upload_to=pack_path, blank=True, max_length=200)
    size = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved on as the worker makes progress; a preparing pack whose heartbeat stops is stuck.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "-created_at"])]
        constraints = [
            # A double click, or two board members at once, find the pack already asked for.
            models.UniqueConstraint(
                fields=["partnership", "dedupe_key"],
                condition=models.Q(status__in=["queued", "preparing", "ready"]),
                name="one_live_pack_per_request",
            )
        ]

    def __str__(self):
        return f"Board pack {self.pk} ({self.period_label})"

    def get_absolute_url(self):
        return reverse(
            "reporting:pack_detail", kwargs={"slug": self.partnership.slug, "pk": self.pk}
        )

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def has_file(self):
        return self.status == self.Status.READY and bool(self.file) and not self.file_removed_at


def audit_pdf_path(instance, filename):
    import uuid

    return f"audit-pdfs/{instance.partnership_id}/{instance.audit_id}-{uuid.uuid4().hex}.pdf"


class AuditPdf(models.Model):
    """One audit laid out as a PDF by the worker, for the audit exactly as it was read.

    `fingerprint` is the hash of the audit's printable page (all it shows, but not the
    moment it was made), so the same audit asked for again reuses its file, and an audit
    that has changed since gets a new one.
    """

    Status = BoardPack.Status
    ACTIVE = BoardPack.ACTIVE

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="audit_pdfs"
    )
    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="pdfs")
    fingerprint = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # Pages laid out so far; an audit's PDF is a handful of pages, its total unknown until done.
    pages_done = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to=audit_pdf_path, blank=True, max_length=200)
    size = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "fingerprint"],
                condition=models.Q(status__in=["queued", "preparing", "ready"]),
                name="one_live_pdf_per_audit_version",
            )
        ]

    def __str__(self):
        return f"PDF of audit {self.audit_id} ({self.status})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE
