"""A person's notifications, their email choices, and the admins' reminder pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from partnership.access import ALL_ROLES, MANAGERS, partnership_view

from .forms import PreferenceForm, ReminderSettingsForm
from .links import user_from_token
from .models import Notification, Preference, ReminderSettings, SentReminder


@partnership_view(ALL_ROLES)
def notification_list(request):
    """Every member: what was sent to them in this partnership, newest first."""
    items = Notification.objects.filter(
        partnership=request.partnership, recipient=request.user
    ).order_by("-created_at", "-pk")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    if request.method == "POST" and request.POST.get("all_read"):
        items.unread().update(read_at=timezone.now())
        messages.success(request, "All your notifications are marked as read.")
        return redirect(reverse("notifications:list", kwargs={"slug": request.partnership.slug}))
    return render(request, "notifications/list.html", {"page": page, "query": ""})


@partnership_view(ALL_ROLES)
def notification_open(request, pk):
    """Mark one of the person's own notifications read and go to the thing it is about."""
    item = get_object_or_404(
        Notification.objects.filter(partnership=request.partnership, recipient=request.user),
        pk=pk,
    )
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts=None):
        return redirect(item.url)
    return redirect(reverse("notifications:list", kwargs={"slug": request.partnership.slug}))


@partnership_view(MANAGERS)
def delivery_problems(request):
    """Admins: reminder emails that could not be sent after every retry."""
    failed = (
        SentReminder.objects.for_partnership(request.partnership)
        .filter(status__in=[SentReminder.Status.FAILED, SentReminder.Status.RETRYING])
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(failed, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/problems.html", {"page": page, "query": ""})


@partnership_view(MANAGERS)
def reminder_settings(request):
    """Admins: the partnership's offsets, digest day and which reminders are on."""
    instance = ReminderSettings.for_partnership(request.partnership)
    form = ReminderSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The reminder settings have been saved.")
        return redirect(
            reverse("notifications:settings", kwargs={"slug": request.partnership.slug})
        )
    return render(request, "notifications/settings.html", {"form": form})


def _preference_page(request, user, *, signed_in):
    instance = Preference.objects.filter(user=user).first() or Preference(user=user)
    form = PreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your email choices have been saved.")
        return redirect(request.path)
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "person": user, "signed_in": signed_in},
    )


@login_required
def notification_preferences(request):
    """A signed-in person's email choices (from their account page)."""
    return _preference_page(request, request.user, signed_in=True)


def email_preferences(request, token):
    """The signed link in every reminder email: works without signing in."""
    try:
        user = user_from_token(token)
    except signing.SignatureExpired:
        return render(request, "notifications/link_unusable.html", {"expired": True}, status=410)
    except signing.BadSignature:
        return render(request, "notifications/link_unusable.html", {"expired": False}, status=404)
    return _preference_page(request, user, signed_in=False)
