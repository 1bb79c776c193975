import re
from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from partnership.forms import GDSForm

from .models import SignInProvider

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
TENANT = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9.-]+)$")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class SignInProviderForm(GDSForm):
    submit_label = "Save sign-in settings"

    enabled = forms.BooleanField(
        label="Let people sign in with their council or NHS account",
        required=False,
        initial=True,
    )
    kind = forms.ChoiceField(
        label="Which sign-in service does your organisation use?",
        choices=SignInProvider.Kind.choices,
        initial=SignInProvider.Kind.ENTRA,
        widget=forms.RadioSelect,
    )
    tenant_id = forms.CharField(
        label="Directory (tenant) ID",
        required=False,
        help_text="For Microsoft Entra ID: on the app registration's Overview page, for "
        "example 72f988bf-86f1-41af-91ab-2d7cd011db47.",
    )
    issuer_url = forms.CharField(
        label="Issuer URL",
        required=False,
        help_text="For another OpenID Connect provider: the address its "
        "/.well-known/openid-configuration is under, starting with https://.",
    )
    client_id = forms.CharField(
        label="Application (client) ID",
        max_length=200,
        help_text="From the app registration.",
        error_messages={"required": "Enter the application (client) ID"},
    )
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    email_domains = forms.CharField(
        label="Email domains it covers",
        help_text="The part after the @ of your staff's email addresses, separated by "
        "commas, for example york.gov.uk, nhs.net. Only addresses in these domains can "
        "sign in this way.",
        error_messages={"required": "Enter at least one email domain, like york.gov.uk"},
    )
    trust_mfa = forms.BooleanField(
        label="Trust this provider to enforce two-factor authentication",
        required=False,
        help_text="Tick this only if your organisation requires a second factor for every "
        "sign-in (for example by a Conditional Access policy). Otherwise people are asked "
        "for this service's own code when your partnership requires two-factor "
        "authentication, unless the provider says it asked for one.",
    )

    def __init__(self, *args, has_secret=False, **kwargs):
        self.has_secret = has_secret
        super().__init__(*args, **kwargs)
        self.fields["client_secret"].help_text = (
            "A secret is saved. It is never shown again; enter a new one only to replace it."
            if has_secret
            else "From Certificates and secrets. It is stored encrypted and never shown again."
        )

    def clean_tenant_id(self):
        return self.cleaned_data["tenant_id"].strip().lower()

    def clean_email_domains(self):
        raw = [
            part.strip().lower().lstrip("@")
            for part in re.split(r"[,\s]+", self.cleaned_data["email_domains"])
        ]
        domains = list(dict.fromkeys(part for part in raw if part))
        wrong = [domain for domain in domains if not DOMAIN.match(domain)]
        if wrong:
            raise forms.ValidationError(
                f"“{wrong[0]}” is not an email domain. Enter domains like york.gov.uk."
            )
        if not domains:
            raise forms.ValidationError("Enter at least one email domain, like york.gov.uk")
        return domains

    def clean_issuer_url(self):
        url = self.cleaned_data["issuer_url"].strip()
        if not url:
            return ""
        parts = urlsplit(url)
        # Plain http only for a provider on this machine (a developer's or a test's).
        secure = parts.scheme == "https" or (
            parts.scheme == "http" and (settings.DEBUG or parts.hostname in LOOPBACK)
        )
        if not secure or not parts.hostname:
            raise forms.ValidationError("Enter the issuer URL, starting with https://")
        return url.rstrip("/")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == SignInProvider.Kind.ENTRA:
            tenant = data.get("tenant_id", "")
            if not tenant:
                self.add_error("tenant_id", "Enter the directory (tenant) ID")
            elif not TENANT.match(tenant) or tenant in {"common", "organizations", "consumers"}:
                self.add_error(
                    "tenant_id",
                    "Enter your organisation's own directory (tenant) ID, not “common”",
                )
        if (
            kind == SignInProvider.Kind.OIDC
            and not data.get("issuer_url")
            and "issuer_url" not in self.errors
        ):
            self.add_error("issuer_url", "Enter the issuer URL, starting with https://")
        if not self.has_secret and not data.get("client_secret"):
            self.add_error("client_secret", "Enter the client secret")
        return data


class SignInStartForm(GDSForm):
    submit_label = "Continue"

    email = forms.EmailField(
        label="Your work email address",
        help_text="For example name@york.gov.uk or name@nhs.net",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@york.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, providers=(), **kwargs):
        # Several partnerships can use one domain (nhs.net): then the person chooses.
        self.providers = list(providers)
        super().__init__(*args, **kwargs)

    def layout_fields(self):
        if len(self.providers) > 1:
            self.fields["partnership"] = forms.ChoiceField(
                label="Which partnership are you signing in to?",
                choices=[(p.key, p.partnership.name) for p in self.providers],
                widget=forms.RadioSelect,
            )
        return super().layout_fields()
