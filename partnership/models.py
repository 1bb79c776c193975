import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .participation import FAMILY_STAGE_FIELDS, CycleStage, LadderLevel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person. Email is the sign-in name; roles come from memberships."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.get_full_name()


# Slugs that would collide with the site's own top-level paths.
RESERVED_SLUGS = frozenset(
    {
        "accounts",
        "admin",
        "api",
        "healthz",
        "privacy",
        "accessibility",
        "invitations",
        "media",
        "readyz",
        "static",
        "new",
    }
)

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Use lower-case letters, numbers and single hyphens, for example york or north-yorkshire.",
)


def validate_slug_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is used by the site itself. Choose another web address.")


class Partnership(models.Model):
    """The tenant: one local area's SEND partnership."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(
        "web address",
        max_length=50,
        unique=True,
        validators=[slug_validator, validate_slug_not_reserved],
        help_text="Appears in every address of the partnership, for example /york/.",
    )
    local_area = models.CharField(max_length=150)
    board_name = models.CharField(max_length=150, default="SEND Improvement Board")

    # Check and challenge means a second person: whoever submitted an audit may not also
    # accept it (a partnership of one person can turn this off).
    # Shown on the partnership's privacy notice and accessibility statement.
    contact_email = models.EmailField(
        "contact email for questions about this service",
        blank=True,
        help_text="Shown on the privacy notice and accessibility statement.",
    )
    data_controller = models.CharField(
        "data controller",
        max_length=200,
        blank=True,
        help_text="The organisation responsible for the personal data, for example City of "
        "York Council on behalf of the York SEND Partnership.",
    )

    class MfaRequirement(models.TextChoices):
        NONE = "none", "Not required (people may still choose to use it)"
        STAFF = "staff", "Required for partnership admins and commissioners"
        EVERYONE = "everyone", "Required for everyone in the partnership"

    mfa_required = models.CharField(
        "who must use two-factor authentication",
        max_length=10,
        choices=MfaRequirement.choices,
        default=MfaRequirement.NONE,
    )
    accept_needs_another_person = models.BooleanField(
        "the person who accepts an audit must not be the person who submitted it",
        default=True,
    )
    # How long this partnership keeps personal data (UK GDPR storage limitation); the
    # daily job in partnership/retention.py applies each partnership's own periods.
    idle_months = models.PositiveSmallIntegerField(
        "months without signing in before a member's access ends",
        default=18,
        validators=[MinValueValidator(3), MaxValueValidator(120)],
    )
    anonymise_months = models.PositiveSmallIntegerField(
        "months after that before their name and email address are removed",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    invitation_days = models.PositiveSmallIntegerField(
        "days after an invitation expires before it is removed",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    security_log_months = models.PositiveSmallIntegerField(
        "months the security log is kept",
        default=24,
        validators=[MinValueValidator(6), MaxValueValidator(120)],
    )
    evidence_file_years = models.PositiveSmallIntegerField(
        "years after an audit before its evidence files are removed",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnership:home", kwargs={"slug": self.slug})


class Sector(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education setting"
    VOLUNTARY = "voluntary", "Voluntary and community"
    PARENT_CARER_FORUM = "parent_carer_forum", "Parent carer forum"
    ADVOCACY = "advocacy", "Advocacy"
    OTHER = "other", "Other"


class OrganisationQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def active(self):
        return self.filter(active=True)


class Organisation(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(max_length=150)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    active = models.BooleanField(default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "partnership", Lower("name"), name="organisation_name_unique_in_partnership"
            ),
        ]

    def __str__(self):
        return self.name


class ServiceQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def active(self):
        return self.filter(active=True, organisation__active=True)


class Service(models.Model):
    # Carried directly (as well as through the organisation) so every query can
    # filter on one indexed column.
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="services")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    # When the service was added: a service never audited is due 12 months later.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="service_name_unique_in_organisation"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.partnership_id = self.organisation.partnership_id
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    ADMIN = "admin", "Partnership admin"
    COMMISSIONER = "commissioner", "Commissioner"
    SERVICE_LEAD = "service_lead", "Service lead"
    BOARD_MEMBER = "board_member", "Board member"
    FAMILY_PARTNER = "family_partner", "Family partner"


class ProjectQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)

    def visible_to(self, membership):
        """Projects a member may see: everything, or a service lead's own services."""
        qs = self.filter(partnership_id=membership.partnership_id)
        if membership.role in (Role.ADMIN, Role.COMMISSIONER, Role.BOARD_MEMBER):
            return qs
        if membership.role == Role.SERVICE_LEAD:
            return qs.filter(service__in=membership.services.all())
        return qs.none()


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        COMPLETE = "complete", "Complete"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="projects")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=200)
    description = models.TextField(
        "description of the service area being developed in joint partnership"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # West Sussex's ladder of participation: the rung the project strives for. Each audit
    # records the rung it reached (audits.Audit.ladder_reached).
    ladder_aim = models.CharField(
        "level of participation aimed for",
        max_length=20,
        choices=LadderLevel.choices,
        blank=True,
    )
    # North Yorkshire's joint commissioning cycle: where the project is now, and at which
    # stages families were involved.
    cycle_stage = models.CharField(
        "stage of the joint commissioning cycle",
        max_length=30,
        choices=CycleStage.choices,
        blank=True,
    )
    families_at_establish_partnerships = models.BooleanField(
        "families involved at Establish partnerships", default=False
    )
    families_at_joint_understanding = models.BooleanField(
        "families involved at Joint understanding", default=False
    )
    families_at_joint_planning = models.BooleanField(
        "families involved at Joint planning", default=False
    )
    families_at_joint_delivery = models.BooleanField(
        "families involved at Joint delivery", default=False
    )
    families_at_joint_review = models.BooleanField(
        "families involved at Joint review", default=False
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                "service", Lower("title"), name="project_title_unique_in_service"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.partnership_id = self.service.partnership_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "partnership:project_detail", kwargs={"slug": self.partnership.slug, "pk": self.pk}
        )

    @property
    def family_stages(self):
        """The cycle stages at which families were involved, in the cycle's order."""
        return [stage for stage, name in FAMILY_STAGE_FIELDS.items() if getattr(self, name)]


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    services = models.ManyToManyField(
        Service, blank=True, related_name="memberships", help_text="The services a lead covers."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"], name="one_membership_per_partnership"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.partnership})"

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    @property
    def mfa_required(self):
        """Whether this partnership requires this member to use two-factor authentication."""
        rule = self.partnership.mfa_required
        if rule == Partnership.MfaRequirement.EVERYONE:
            return True
        return rule == Partnership.MfaRequirement.STAFF and self.role in (
            Role.ADMIN,
            Role.COMMISSIONER,
        )

    def may_work_on(self, service_id):
        """Admins and commissioners work on every service; a service lead on their own."""
        if self.role in (Role.ADMIN, Role.COMMISSIONER):
            return True
        return self.role == Role.SERVICE_LEAD and self.services.filter(pk=service_id).exists()


def _invitation_token():
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    services = models.ManyToManyField(Service, blank=True, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.email} to {self.partnership}"

    def get_absolute_url(self):
        return reverse("invitation_accept", kwargs={"token": self.token})

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class SecurityEventQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        """What a partnership's admin may see: the partnership's own events, and the
        account events (sign-in, two-factor, password) of people who are its members."""
        members = Membership.objects.filter(partnership=partnership).values("user_id")
        return self.filter(
            Q(partnership=partnership) | Q(partnership__isnull=True, user__in=members)
        )

    def update(self, **kwargs):
        raise TypeError("Security events are a record: they are never changed.")


class SecurityEvent(models.Model):
    """One entry of the security log. Written once and never changed by the product;
    only the retention job removes entries, when they are older than their keeping time."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_IN_WITH_PROVIDER = "signed_in_provider", "Signed in with a council or NHS account"
        PROVIDER_LINKED = "provider_linked", "Council or NHS account linked"
        PROVIDER_REFUSED = "provider_refused", "Sign-in with a council or NHS account refused"
        PROVIDER_SETTINGS_CHANGED = "provider_settings", "Council or NHS sign-in settings changed"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Sign-in paused after failures"
        SIGNED_OUT = "signed_out", "Signed out"
        MFA_ADDED = "mfa_added", "Two-factor authentication set up"
        MFA_REMOVED = "mfa_removed", "Two-factor authentication removed"
        MFA_RESET = "mfa_reset", "Two-factor authentication reset by an admin"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset by email link"
        INVITATION_SENT = "invitation_sent", "Invitation sent"
        INVITATION_REVOKED = "invitation_revoked", "Invitation withdrawn"
        INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
        ROLE_CHANGED = "role_changed", "Role or services changed"
        MEMBER_DEACTIVATED = "member_deactivated", "Member deactivated"
        MEMBER_REACTIVATED = "member_reactivated", "Member reactivated"
        MEMBER_ERASED = "member_erased", "Member's name and email erased"
        EXPORT_DOWNLOADED = "export_downloaded", "Portfolio export downloaded"
        BOARD_PACK_DOWNLOADED = "board_pack_downloaded", "Board pack downloaded"
        EVIDENCE_DOWNLOADED = "evidence_downloaded", "Evidence file downloaded"
        API_KEY_CREATED = "api_key_created", "API key made"
        API_KEY_REVOKED = "api_key_revoked", "API key revoked"
        API_KEY_USED = "api_key_used", "API key used (first time that day)"
        API_KEY_REFUSED = "api_key_refused", "Revoked or expired API key tried"
        PROBED = "probed", "Page of another partnership asked for"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="security_events",
    )
    # Who did it (or whose account it was); for a failed sign-in, the account typed if it exists.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    # The email typed at sign-in, kept for failures against names that are not accounts.
    email = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # What it was about: ids and names of objects, never a password, token or key.
    detail = models.JSONField(default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "-at"], name="security_partnership_at"),
            models.Index(fields=["user", "-at"], name="security_user_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Security events are a record: they are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Security events are removed only by the retention job.")


def import_path(instance, filename):
    # The partnership is in the path, and the stored name is never a guessable one.
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower()
    return f"imports/{instance.partnership_id}/{uuid.uuid4().hex}.{extension}"


class DirectoryImport(models.Model):
    """One confirmed directory import, written by a worker (partnership/import_jobs.py).

    The checked file is kept with the job until it is written, then deleted; a failed
    job keeps it for "Try again" until the scheduled tidy-up removes it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SAVING = "saving", "Saving"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.SAVING)

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="directory_imports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The preview's own token: confirming the same preview twice finds this job.
    token = models.CharField(max_length=64)
    file_name = models.CharField("name of the uploaded file", max_length=255)
    file = models.FileField(upload_to=import_path, blank=True, max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    # What was written: counts per sheet and the rows added and changed, with their ids.
    result = models.JSONField(default=dict, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "token"], name="one_import_per_preview")
        ]

    def __str__(self):
        return f"Import of {self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse(
            "partnership:directory_import_detail",
            kwargs={"slug": self.partnership.slug, "pk": self.pk},
        )

    @property
    def is_active(self):
        return self.status in self.ACTIVE
