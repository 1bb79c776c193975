"""Demo: York's sign-in with council or NHS accounts.

With DEMO_OIDC_ISSUER set (the local provider `make oidc-provider` runs), York's people
sign in through it for real. Without it, York's settings show a filled-in Microsoft Entra
ID example, switched off, since no real tenant is behind it.
"""

import os

from partnership.models import Partnership

from .demo_provider import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from .models import SignInProvider


def load():
    york = Partnership.objects.filter(slug="york").first()
    if york is None:
        return None
    issuer = os.environ.get("DEMO_OIDC_ISSUER", "").rstrip("/")
    provider = SignInProvider.objects.filter(partnership=york).first() or SignInProvider(
        partnership=york, key=york.slug
    )
    if issuer:
        provider.kind = SignInProvider.Kind.OIDC
        provider.issuer_url = issuer
        provider.client_id = DEMO_CLIENT_ID
        provider.set_client_secret(DEMO_CLIENT_SECRET)
        provider.enabled = True
    elif provider.pk is None:
        provider.kind = SignInProvider.Kind.ENTRA
        provider.tenant_id = "00000000-0000-4000-8000-000000000000"
        provider.client_id = "11111111-2222-4333-8444-555555555555"
        provider.enabled = False
    else:
        return provider
    provider.email_domains = ["york.example"]
    provider.save()
    return provider
