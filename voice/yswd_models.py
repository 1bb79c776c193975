""" "You said, we did": a short family-facing summary of what families said about a
project, what the service did and what happens next, written from an accepted audit by
the service's lead and published on the partnership's public page once a commissioner
approves it.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from audits.models import Audit
from partnership.models import Partnership

# Each of the three parts; short on purpose: families read it in easy read.
PART_LIMIT = 1_500


class YouSaidWeDidQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def approved(self):
        return self.filter(status=YouSaidWeDid.Status.APPROVED)

    def awaiting_approval(self):
        return self.filter(status=YouSaidWeDid.Status.AWAITING_APPROVAL)


class YouSaidWeDid(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
        SENT_BACK = "sent_back", "Sent back for changes"
        APPROVED = "approved", "Approved: on the public page"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="you_said_we_did"
    )
    # One summary for each accepted audit; a re-audit gets its own.
    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="you_said_we_did")
    you_said = models.TextField("what families said")
    we_did = models.TextField("what the service did")
    next_steps = models.TextField("what happens next")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why it was sent back, for the lead; never shown to the public.
    sent_back_note = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = YouSaidWeDidQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "status"], name="yswd_partnership_status")]
        verbose_name = "“You said, we did” summary"
        verbose_name_plural = "“You said, we did” summaries"

    def __str__(self):
        return f"You said, we did: {self.audit.project}"

    def save(self, *args, **kwargs):
        self.partnership_id = self.audit.partnership_id
        super().save(*args, **kwargs)

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED


class PublicPageSettings(models.Model):
    """What the partnership's public "You said, we did" page may show beyond the words."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="public_page_settings"
    )
    show_ratings = models.BooleanField(
        "show each audit’s overall outcome and the level of participation reached",
        default=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Public page settings of {self.partnership}"

    @classmethod
    def for_partnership(cls, partnership):
        """The settings, or unsaved defaults (nothing but the words shown)."""
        return cls.objects.filter(partnership=partnership).first() or cls(partnership=partnership)
