"""A partnership's own sign-in provider: Microsoft Entra ID or another OpenID Connect one."""

from django.conf import settings
from django.db import models

from partnership.models import Partnership

from .secrets import secret_decrypt, secret_encrypt

ENTRA_AUTHORITY = "https://login.microsoftonline.com"


class SignInProviderQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)

    def covering(self, email):
        """Enabled providers whose email domains include the domain of `email`."""
        domain = email.rsplit("@", 1)[-1].strip().lower()
        if not domain:
            return self.none()
        return [
            provider
            for provider in self.enabled().select_related("partnership")
            if domain in provider.domain_list
        ]


class SignInProvider(models.Model):
    """How the people of one partnership sign in with their organisation's account."""

    class Kind(models.TextChoices):
        ENTRA = "entra", "Microsoft Entra ID (Microsoft 365, NHSmail)"
        OIDC = "oidc", "Another OpenID Connect provider"

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="sign_in_provider"
    )
    # Part of the redirect address registered with the provider, so it never changes
    # once made, even if the partnership's web address does.
    key = models.SlugField(max_length=60, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ENTRA)
    tenant_id = models.CharField("directory (tenant) ID", max_length=100, blank=True)
    issuer_url = models.URLField("issuer URL", blank=True)
    client_id = models.CharField("application (client) ID", max_length=200)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    # Lower-case domains, for example ["york.gov.uk", "nhs.net"].
    email_domains = models.JSONField(default=list)
    trust_mfa = models.BooleanField(
        "trust this provider to enforce two-factor authentication", default=False
    )
    enabled = models.BooleanField("people can sign in with it", default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SignInProviderQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name"]

    def __str__(self):
        return f"Sign-in provider of {self.partnership}"

    @property
    def domain_list(self):
        return [domain.lower() for domain in self.email_domains or []]

    @property
    def server_url(self):
        """The issuer, whose /.well-known/openid-configuration describes the provider."""
        if self.kind == self.Kind.ENTRA:
            return f"{ENTRA_AUTHORITY}/{self.tenant_id}/v2.0"
        return self.issuer_url.rstrip("/")

    @property
    def has_secret(self):
        return bool(self.client_secret_encrypted)

    def set_client_secret(self, value):
        self.client_secret_encrypted = secret_encrypt(value) if value else ""

    def client_secret(self):
        return secret_decrypt(self.client_secret_encrypted)

    def social_app(self):
        """allauth's description of this provider, built here rather than stored, so the
        secret is kept only in its encrypted form."""
        from allauth.socialaccount.models import SocialApp

        return SocialApp(
            provider="openid_connect",
            provider_id=self.key,
            name=f"{self.partnership} sign-in",
            client_id=self.client_id,
            secret=self.client_secret(),
            settings={
                "server_url": self.server_url,
                "oauth_pkce_enabled": True,
                "token_auth_method": "client_secret_post",
            },
        )
