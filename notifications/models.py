"""Notifications to people, the sent log that makes reminders idempotent, and preferences.

This app sits on the low floor beside `partnership`: it knows people and partnerships,
never audits. Higher apps decide what is due and hand it here to be recorded and sent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from partnership.models import Partnership

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]

# What each reminder kind is called, and whether a person may turn its emails off.
# Kinds carry their offset after a colon ("review_before:30"); the part before the colon
# names the category.
CATEGORIES = {
    "review_before": ("Reviews coming up", "review_advance"),
    "review_due": ("Reviews due", None),
    "review_overdue": ("Reviews overdue", None),
    "action_before": ("Actions coming up", "action_advance"),
    "action_due": ("Actions due", None),
    "action_overdue": ("Actions overdue", None),
    "review_waiting": ("Audits waiting for review", "review_waiting"),
    "weekly_digest": ("Weekly summary of what is overdue", "weekly_digest"),
}


def category(kind):
    return kind.split(":", 1)[0]


def is_essential(kind):
    """Due and overdue reminders always go out; the rest a person may turn off."""
    return CATEGORIES.get(category(kind), ("", None))[1] is None


def parse_offsets(text, *, most=365):
    """'60, 30, 7' -> [60, 30, 7]; raises ValidationError naming what is wrong."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise ValidationError("Enter at least one number of days, for example 60, 30, 7")
    values = []
    for part in parts:
        if not part.lstrip("-").isdigit():
            raise ValidationError(f"“{part}” is not a whole number of days")
        value = int(part)
        if value < 1:
            raise ValidationError("Each number of days must be 1 or more")
        if value > most:
            raise ValidationError(f"Each number of days must be {most} or fewer (a year)")
        if value in values:
            raise ValidationError(f"{value} days is listed twice")
        values.append(value)
    return sorted(values, reverse=True)


class ReminderSettings(models.Model):
    """A partnership's reminder choices, set by its admins."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    review_reminders = models.BooleanField("Send review date reminders", default=True)
    review_offsets = models.CharField(
        "Days before the review date", max_length=100, default="60, 30, 7"
    )
    action_reminders = models.BooleanField("Send action reminders", default=True)
    action_offsets = models.CharField("Days before an action is due", max_length=100, default="14")
    waiting_reminders = models.BooleanField(
        "Remind commissioners of audits waiting for review", default=True
    )
    waiting_days = models.PositiveSmallIntegerField(
        "Days an audit may wait for review before a reminder", default=14
    )
    weekly_digest = models.BooleanField("Send the weekly summary of what is overdue", default=True)
    digest_weekday = models.PositiveSmallIntegerField(
        "Weekly day",
        choices=WEEKDAYS,
        default=0,
        help_text="The day of the weekly summary and of the weekly reminders of what is overdue.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder settings"

    def __str__(self):
        return f"Reminder settings of {self.partnership}"

    @classmethod
    def for_partnership(cls, partnership):
        """The stored settings, or the defaults (unsaved) for a partnership with none."""
        found = cls.objects.filter(partnership=partnership).first()
        return found or cls(partnership=partnership)

    @property
    def review_days(self):
        return parse_offsets(self.review_offsets)

    @property
    def action_days(self):
        return parse_offsets(self.action_offsets)


class Preference(models.Model):
    """One person's choices about reminder emails, in every partnership they belong to."""

    class Delivery(models.TextChoices):
        EACH = "each", "An email for each reminder"
        DIGEST = "digest", "One email a day with all of that day’s reminders"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.EACH)
    review_advance = models.BooleanField("Reviews coming up (before the review date)", default=True)
    action_advance = models.BooleanField("Actions coming up (before they are due)", default=True)
    review_waiting = models.BooleanField("Audits waiting for review", default=True)
    weekly_digest = models.BooleanField("Weekly summary of what is overdue", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    OPTIONAL = ("review_advance", "action_advance", "review_waiting", "weekly_digest")

    def __str__(self):
        return f"Email preferences of {self.user}"

    def wants_email(self, kind):
        flag = CATEGORIES.get(category(kind), ("", None))[1]
        return flag is None or getattr(self, flag)


class SentReminderQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)


class SentReminder(models.Model):
    """The sent log: one row per reminder per person, written before anything is sent.

    Unique on (what it is about, kind, due date, recipient), so a job run twice, run
    late or delivered twice records each reminder once, and only the run that recorded
    (claimed) it sends it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        RETRYING = "retrying", "Waiting to be tried again"
        SENT = "sent", "Sent"
        IN_APP = "in_app", "Shown in the product only (emails turned off)"
        FAILED = "failed", "Could not be sent"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    subject = models.CharField(max_length=60, help_text="What it is about, e.g. action:12")
    kind = models.CharField(max_length=40)
    due_date = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    title = models.CharField(max_length=250)
    body = models.TextField()
    url = models.CharField(max_length=300)
    run_date = models.DateField(help_text="The day whose daily run recorded it")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = SentReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "kind", "due_date", "recipient"], name="reminder_sent_once"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self):
        return f"{self.kind} {self.subject} {self.due_date} to {self.recipient_id}"

    @property
    def category_label(self):
        return CATEGORIES.get(category(self.kind), (self.kind,))[0]


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """What a person sees on their Notifications page, newest first."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=250)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    reminder = models.OneToOneField(
        SentReminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "partnership", "read_at"])]

    def __str__(self):
        return self.title
