"""The partnership's security log, for its admins."""

import csv

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from .access import MANAGERS, partnership_view
from .models import SecurityEvent
from .security import security_event_record
from .spreadsheets import safe_row

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


class SecurityLogFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="What", required=False, choices=[("", "Everything"), *SecurityEvent.Kind.choices]
    )
    person = forms.CharField(label="Email contains", required=False, max_length=254)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            )


def _filtered(request):
    events = (
        SecurityEvent.objects.for_partnership(request.partnership)
        .select_related("user", "partnership")
        .order_by("-at", "-pk")
    )
    form = SecurityLogFilterForm(request.GET or None)
    if not request.GET:
        return form, events
    form.is_valid()
    for name in form.errors:
        messages.warning(
            request,
            f"The filter “{form.fields[name].label}” was not recognised and has been ignored.",
        )
    data = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v}
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    if data.get("person"):
        events = events.filter(email__icontains=data["person"]) | events.filter(
            user__email__icontains=data["person"]
        )
    if data.get("date_from"):
        events = events.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        events = events.filter(at__date__lte=data["date_to"])
    return form, events


@partnership_view(MANAGERS)
def security_log(request):
    """Admins: who signed in, who changed what, who downloaded what, in this partnership."""
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnership/security_log.html",
        {"filter_form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value):
        return value


@partnership_view(MANAGERS)
def security_log_export(request):
    """Admins: the filtered log as CSV (the export itself is recorded too)."""
    form, events = _filtered(request)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT_DOWNLOADED,
        request=request,
        detail={"format": "csv", "what": "security log"},
    )
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow(["When", "What", "Person", "Email typed", "Address", "Details"])
        for event in events[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield writer.writerow(
                safe_row(
                    [
                        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                        event.get_kind_display(),
                        event.user.email if event.user else "",
                        event.email,
                        event.ip_address,
                        "; ".join(f"{k}: {v}" for k, v in event.detail.items()),
                    ]
                )
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"{request.partnership.slug}-security-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
