"""The API keys page: partnership admins make, see and revoke the partnership's keys."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from partnership.access import MANAGERS, partnership_view

from .forms import APIKeyForm
from .models import PartnershipAPIKey
from .services import api_key_create, api_key_revoke


def _list_url(request):
    return reverse("api_keys:list", kwargs={"slug": request.partnership.slug})


@partnership_view(MANAGERS)
def key_list(request):
    """Admins: every key of the partnership, newest first, with its state and last use."""
    keys = (
        PartnershipAPIKey.objects.for_partnership(request.partnership)
        .select_related("created_by")
        .prefetch_related("services")
    )
    return render(request, "api/key_list.html", {"keys": keys})


@partnership_view(MANAGERS)
def key_create(request):
    """Admins: make a key. Its text is shown on the answer to this post and never again."""
    form = APIKeyForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        key, text = api_key_create(
            partnership=request.partnership,
            by=request.user,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            access=form.cleaned_data["access"],
            expires_at=form.expires_at,
            services=form.cleaned_data["services"],
            request=request,
        )
        return render(request, "api/key_created.html", {"key": key, "text": text})
    return render(
        request,
        "partnership/form.html",
        {"form": form, "title": "Make an API key", "back": _list_url(request)},
    )


@partnership_view(MANAGERS)
def key_revoke(request, pk):
    """Admins: GET asks for confirmation; POST revokes at once (it cannot be undone)."""
    key = get_object_or_404(PartnershipAPIKey.objects.for_partnership(request.partnership), pk=pk)
    if request.method == "POST":
        api_key_revoke(key=key, by=request.user, request=request)
        messages.success(request, f"The key “{key.name}” has been revoked. It no longer works.")
        return redirect(_list_url(request))
    return render(
        request,
        "partnership/confirm.html",
        {
            "title": f"Revoke the API key “{key.name}”?",
            "consequence": "Anything using this key stops working at once. "
            "This cannot be undone; you can make a new key.",
            "action": "Yes, revoke it",
            "back": _list_url(request),
        },
    )
