"""API keys: each belongs to one partnership and acts with one role.

A key stands in for a membership wherever the pages scope by membership
(`partnership_id`, `role`, `services`), so the API reuses the pages' own scoping
(`Project.objects.visible_to(key)`) instead of a second set of rules.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from partnership.models import Partnership, Role, Service


class PartnershipAPIKeyQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)


class PartnershipAPIKeyManager(BaseAPIKeyManager.from_queryset(PartnershipAPIKeyQuerySet)):
    """The library's manager (hashing, lookup by prefix) with the partnership scoping."""


class PartnershipAPIKey(AbstractAPIKey):
    class Access(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    objects = PartnershipAPIKeyManager()

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="api_keys")
    role = models.CharField(max_length=20, choices=Role.choices)
    services = models.ManyToManyField(
        Service, blank=True, related_name="+", help_text="The services a service lead key covers."
    )
    access = models.CharField(max_length=12, choices=Access.choices, default=Access.READ)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(AbstractAPIKey.Meta):
        ordering = ["-created"]
        verbose_name = "API key"

    @property
    def active(self):
        return not self.revoked and not self.has_expired

    @property
    def read_only(self):
        return self.access == self.Access.READ

    @property
    def state(self):
        if self.revoked:
            return "revoked"
        if self.has_expired:
            return "expired"
        return "active"

    # The parts of Membership that the scoping code reads.
    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def may_work_on(self, service_id):
        if self.role in (Role.ADMIN, Role.COMMISSIONER):
            return True
        return self.role == Role.SERVICE_LEAD and self.services.filter(pk=service_id).exists()

    def touch(self, now=None):
        """Record use, at most once a minute, so a busy sync does not write on every call."""
        now = now or timezone.now()
        if self.last_used_at and (now - self.last_used_at).total_seconds() < 60:
            return
        type(self).objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
