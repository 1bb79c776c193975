"""Audits of projects against a framework version, their parts, and the review record."""

from django.conf import settings
from django.db import models
from django.db.models.functions import RowNumber
from simple_history.models import HistoricalRecords

from partnership.models import Membership, Partnership, Project, Role
from partnership.participation import LadderLevel
from principles.models import Framework, Level, Outcome, Principle


class AuditQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def submitted(self):
        return self.filter(status=Audit.Status.SUBMITTED)

    def latest_accepted(self):
        """Each project's latest accepted audit (newest date of audit), ranked in one pass.

        The portfolio ranks the same way, so the action plan that is "live" for a project
        is the one the dashboard counts.
        """
        ranked = (
            self.filter(status=Audit.Status.ACCEPTED)
            .annotate(
                newest=models.Window(
                    RowNumber(),
                    partition_by=[models.F("project_id")],
                    order_by=[models.F("audit_date").desc(), models.F("pk").desc()],
                )
            )
            .filter(newest=1)
        )
        return Audit.objects.filter(pk__in=models.Subquery(ranked.values("pk")))

    def visible_to(self, membership):
        """Audits a member may read; see the roles table in DESIGN.md."""
        qs = self.filter(partnership_id=membership.partnership_id)
        if membership.role in (Role.ADMIN, Role.COMMISSIONER):
            return qs
        accepted = models.Q(status=Audit.Status.ACCEPTED)
        if membership.role == Role.SERVICE_LEAD:
            return qs.filter(
                models.Q(project__service__in=membership.services.all()) | accepted
            ).distinct()
        if membership.role == Role.BOARD_MEMBER:
            return qs.filter(accepted)
        return qs.none()


class Audit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Returned for changes"
        ACCEPTED = "accepted", "Accepted"

    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="audits")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="audits")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="audits")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    audit_date = models.DateField("date of audit", null=True, blank=True)
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    summary = models.TextField(blank=True)
    # The rung of West Sussex's ladder of participation the project reached; the project
    # records the rung it aims for.
    ladder_reached = models.CharField(
        "level of participation reached", max_length=20, choices=LadderLevel.choices, blank=True
    )
    review_date = models.DateField(null=True, blank=True)
    signed_name = models.CharField("full name", max_length=150, blank=True)
    signed_designation = models.CharField("designation", max_length=150, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    carried_forward_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_into"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock for the audit's own fields: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    # The audit's principle levels in one row, for the portfolio's figures, which would
    # otherwise read six assessments per audit over years of audits: the rank given to
    # each principle, one digit per principle number in order ("0" where no level is
    # chosen), and the sum of those ranks. Derived from the assessments and kept by
    # audits/services.py (levels_summary_refresh) whenever a level changes.
    level_ranks = models.CharField(max_length=40, blank=True, default="", editable=False)
    level_total = models.PositiveSmallIntegerField(default=0, editable=False)

    # The summary is derived from the assessments, which have their own history.
    history = HistoricalRecords(excluded_fields=["level_ranks", "level_total"])
    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self):
        return f"Audit of {self.project}"

    def save(self, *args, **kwargs):
        self.partnership_id = self.project.partnership_id
        super().save(*args, **kwargs)

    @property
    def is_editable(self):
        return self.status in self.EDITABLE


class AuditPerson(models.Model):
    """A person completing the audit (the form's "Person/s completing the audit")."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=150)
    designation = models.CharField(max_length=150)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.name}, {self.designation}"


class PrincipleAssessment(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="assessments")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField("notes or evidence", blank=True)
    # Set when copied from the previous accepted audit, until someone changes it.
    carried_forward = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "principle"], name="one_assessment_each"),
        ]

    def __str__(self):
        return f"{self.audit}: principle {self.principle.number}"

    @property
    def is_complete(self):
        return self.level_id is not None and bool(self.notes.strip())

    @property
    def is_started(self):
        return self.level_id is not None or bool(self.notes.strip())


def evidence_path(instance, filename):
    # The partnership and audit are in the path; the stored name is never the uploaded one.
    import uuid

    return (
        f"evidence/{instance.audit.partnership_id}/{instance.audit_id}/"
        f"{uuid.uuid4().hex}.{instance.extension}"
    )


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="evidence")
    assessment = models.ForeignKey(
        PrincipleAssessment, on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=evidence_path, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.URLField(max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # Set when the retention job deleted the file; the row stays, saying so.
    file_removed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self):
        return self.title


class ActionQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(audit__partnership=partnership)

    def live(self, partnership, projects=None):
        """The delivery plan: actions of each project's latest accepted audit.

        An older audit's actions were carried forward into the newer one, so only the
        latest accepted audit's actions are still being delivered. `projects` (a query of
        project ids) limits the plan to those projects: each project's latest audit is
        its own, so ranking only their audits gives the same answer as ranking all of the
        partnership's, for a fraction of the work.
        """
        audits = Audit.objects.filter(partnership=partnership)
        if projects is not None:
            audits = audits.filter(project_id__in=projects)
        return self.filter(audit__in=audits.latest_accepted())

    def owned_projects(self, membership):
        """The ids of the projects with an action this member owns, as a subquery."""
        return self.filter(
            audit__partnership_id=membership.partnership_id, owner=membership
        ).values("audit__project_id")

    def open(self):
        return self.filter(status__in=Action.OPEN)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)


class Action(models.Model):
    """One step of the action plan: what, who, by when, and how it is going."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_GOING_AHEAD = "not_going_ahead", "Not going ahead"

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    # A name typed in; when `owner` is set this is their name at the time.
    who = models.CharField(max_length=150)
    owner = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_actions",
        help_text="A person in the partnership responsible for the action.",
    )
    due_date = models.DateField("by when")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    done_on = models.DateField("date done", null=True, blank=True)
    carried_forward = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.what[:60]

    @property
    def done(self):
        return self.status == self.Status.DONE

    @property
    def is_open(self):
        return self.status in self.OPEN

    def is_overdue(self, today):
        return self.is_open and self.due_date < today

    @property
    def owner_name(self):
        if self.owner_id and self.owner.user_id:
            return self.owner.user.get_full_name()
        return self.who


class ActionUpdate(models.Model):
    """A dated progress note on an action: who wrote it, the status it set, and when."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=Action.Status.choices)
    note = models.TextField(blank=True)
    done_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_status_display()} {self.at:%Y-%m-%d}"


class ReviewComment(models.Model):
    """A check-and-challenge comment on one principle, or on the audit overall."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="comments")
    principle = models.ForeignKey(
        Principle, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def is_open(self):
        return self.resolved_at is None


class AuditEvent(models.Model):
    """The status timeline: created, submitted, returned, resubmitted, accepted."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        CARRIED_FORWARD = "carried_forward", "Started from the previous audit"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for changes"
        RESUBMITTED = "resubmitted", "Resubmitted"
        ACCEPTED = "accepted", "Accepted"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class FamilyInvitationQuerySet(models.QuerySet):
    def for_membership(self, membership):
        """The invitations that are this family partner's: to them, or to the email
        address they accepted a partnership invitation for."""
        return self.filter(audit__partnership_id=membership.partnership_id).filter(
            models.Q(membership=membership) | models.Q(invitation__accepted_by=membership.user_id)
        )


class FamilyInvitation(models.Model):
    """A family partner asked to check and challenge one audit.

    Either a member of the partnership with the family partner role, or someone invited
    by email who has no account yet: then `invitation` is the partnership's invitation,
    and accepting it gives the new family partner this audit.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="family_invitations")
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invitation = models.ForeignKey(
        "partnership.Invitation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FamilyInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "membership"], name="family_invitation_once_per_member"
            ),
            models.UniqueConstraint(
                fields=["audit", "invitation"], name="family_invitation_once_per_email"
            ),
            models.CheckConstraint(
                condition=models.Q(membership__isnull=False) | models.Q(invitation__isnull=False),
                name="family_invitation_names_someone",
            ),
        ]

    def __str__(self):
        return f"Family invitation to {self.audit}"


class FamilyReview(models.Model):
    """Families' own rating of an audit: one per audit, shared by the family partners
    invited to it, hidden from the service until it is submitted."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="family_review")
    submitted_at = models.DateTimeField("sent", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="sent by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"Family rating of {self.audit}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class FamilyRating(models.Model):
    """Families' level and comment for one principle, and the level agreed afterwards."""

    review = models.ForeignKey(FamilyReview, on_delete=models.CASCADE, related_name="ratings")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(
        Level,
        verbose_name="families’ level",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField("families’ comment", blank=True)
    agreed_level = models.ForeignKey(
        Level,
        verbose_name="agreed level",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agreed_note = models.TextField("note on the agreed level", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["principle__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "principle"], name="one_family_rating_each"),
        ]

    def __str__(self):
        return f"{self.review}: principle {self.principle.number}"
