"""Signing in with a council or NHS account, and its settings for a partnership's admin."""

import logging
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.adapter import get_adapter
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from partnership.access import MANAGERS, partnership_view

from .forms import SignInProviderForm, SignInStartForm
from .models import SignInProvider
from .services import FIELD_NAMES, sign_in_provider_save

logger = logging.getLogger(__name__)


def redirect_uri(request, key):
    return request.build_absolute_uri(
        reverse("openid_connect_callback", kwargs={"provider_id": key})
    )


@never_cache
def sign_in_start(request):
    """Anyone: "Sign in with your council or NHS account". The work email says which
    partnership's provider to send them to (and is passed on so they need not type it
    again); when several partnerships use the domain, the person picks one."""
    data = request.POST if request.method == "POST" else None
    providers = []
    if data and data.get("email"):
        providers = SignInProvider.objects.covering(data["email"])
    form = SignInStartForm(data, providers=providers)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        chosen = form.cleaned_data.get("partnership")
        provider = next((p for p in providers if p.key == chosen), None) or (
            providers[0] if len(providers) == 1 else None
        )
        if not providers:
            form.add_error(
                "email",
                "Your organisation has not set up sign-in with its own account here. "
                "Sign in with your email address and password instead",
            )
        elif provider is not None:
            return _send_to_provider(request, form, provider, email)
    return _allowing_providers(render(request, "sso/start.html", {"form": form}))


def _allowing_providers(response):
    """The content security policy's form-action also governs the redirect that follows
    this page's form, so the providers' own sign-in pages are added to it: which provider
    the email leads to is known only once the form is sent."""
    origins = set()
    for provider in SignInProvider.objects.enabled():
        parts = urlsplit(provider.server_url)
        if parts.scheme in ("https", "http") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    if origins:
        response._csp_update = {"form-action": sorted(origins)}
    return response


def _send_to_provider(request, form, provider, email):
    app_provider = get_adapter().get_provider(request, provider.key)
    auth_params = {**app_provider.get_auth_params(), "login_hint": email}
    try:
        return app_provider.redirect(
            request,
            "login",
            next_url=provider.partnership.get_absolute_url(),
            auth_params=auth_params,
        )
    except requests.RequestException as error:
        logger.warning("Sign-in provider of %s not reachable: %s", provider.partnership.slug, error)
        form.add_error(
            "email",
            f"The sign-in service of {provider.partnership} could not be reached. Try again "
            "in a few minutes, or sign in with your email address and password",
        )
        return _allowing_providers(render(request, "sso/start.html", {"form": form}, status=502))


@partnership_view(MANAGERS)
def sign_in_settings(request):
    """Admins: let the partnership's people sign in with their council or NHS account."""
    provider = SignInProvider.objects.filter(partnership=request.partnership).first()
    initial = (
        {name: getattr(provider, name) for name in FIELD_NAMES}
        | {"email_domains": ", ".join(provider.domain_list)}
        if provider
        else {}
    )
    form = SignInProviderForm(
        request.POST or None, initial=initial, has_secret=bool(provider and provider.has_secret)
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in FIELD_NAMES}
        sign_in_provider_save(
            partnership=request.partnership,
            by=request.user,
            values=values,
            client_secret=form.cleaned_data["client_secret"],
            request=request,
        )
        messages.success(request, "The sign-in settings have been saved.")
        return redirect("sso:settings", slug=request.partnership.slug)
    return render(
        request,
        "sso/settings.html",
        {
            "form": form,
            "provider": provider,
            "redirect_uri": redirect_uri(
                request, provider.key if provider else request.partnership.slug
            ),
            "sign_in_url": request.build_absolute_uri(reverse("sso_start")),
        },
    )
