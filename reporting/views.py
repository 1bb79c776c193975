"""The portfolio dashboard, the audits behind each figure, and exports.

Admins, commissioners and board members see the whole partnership; a service lead sees
the same pages limited to their own services. Every figure comes from selectors.py.
"""

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from partnership.access import PORTFOLIO_VIEWERS, partnership_view
from partnership.models import Organisation, Sector, SecurityEvent, Service
from partnership.security import security_event_record

from . import exports, selectors
from .cache import cache_seconds, figures_key
from .figures import portfolio_figures
from .filters import date_boxes, parse_filters, period_choices


def _filters(request):
    filters = parse_filters(request.GET, request.partnership, request.membership)
    for label in filters.problems:
        messages.warning(request, f"The filter “{label}” was not recognised and has been ignored.")
    return filters


def _filter_context(request, filters):
    partnership = request.partnership
    organisations = Organisation.objects.filter(partnership=partnership).order_by("name")
    services = Service.objects.filter(partnership=partnership)
    if filters.service_ids is not None:
        services = services.filter(pk__in=filters.service_ids)
        organisations = organisations.filter(services__in=filters.service_ids).distinct()
    # Plain tuples: a partnership may have hundreds of services in this list.
    return {
        "filters": filters,
        "from_boxes": date_boxes(request.GET, filters, "from"),
        "to_boxes": date_boxes(request.GET, filters, "to"),
        "filter_errors": dict(filters.errors),
        "period_choices": period_choices(),
        "organisations": organisations.values_list("pk", "name"),
        "services": services.order_by("organisation__name", "name").values_list(
            "pk", "organisation__name", "name"
        ),
        "selected_organisation": filters.organisation.pk if filters.organisation else None,
        "selected_service": filters.service.pk if filters.service else None,
        "sectors": Sector.choices,
        "outcome_choices": [(1, "Requires Improvement"), (2, "Good"), (3, "Outstanding")],
    }


@partnership_view(PORTFOLIO_VIEWERS)
def dashboard(request):
    """The collated portfolio for the chosen period and filters.

    The figures are rendered once per partnership, scope, filters and day, and kept
    until anything they show changes (see reporting/cache.py).
    """
    partnership = request.partnership
    filters = _filters(request)
    today = timezone.localdate()
    seconds = cache_seconds()
    scope = f"{request.membership.role}:{filters.service_ids}"
    key = figures_key(partnership, today, scope, filters.query()) if seconds else None
    figures = cache.get(key) if key else None
    if figures is None:
        figures = render_to_string(
            "reporting/_figures.html", _figures_context(request, filters, today), request=request
        )
        if key:
            cache.set(key, figures, seconds)
    context = {**_filter_context(request, filters), "figures": mark_safe(figures)}
    return render(request, "reporting/dashboard.html", context)


def _figures_context(request, filters, today):
    # One reverse() for the pattern, then plain substitution for each audit.
    pattern = reverse("audits:audit_view", args=[request.partnership.slug, 0]).replace(
        "/0/", "/{}/"
    )
    return portfolio_figures(request.partnership, filters, today, pattern.format)


@partnership_view(PORTFOLIO_VIEWERS)
def drill_down(request):
    """The list of audits behind one number or cell of the dashboard."""
    filters = _filters(request)
    audits, label = selectors.drill_down(request.partnership, filters, request.GET)
    audits = list(audits[:500])
    return render(
        request,
        "reporting/drill_down.html",
        {**_filter_context(request, filters), "audits": audits, "label": label},
    )


@partnership_view(PORTFOLIO_VIEWERS)
def export_csv(request):
    filters = _filters(request)
    _log_export(request, filters, "csv")
    return exports.csv_response(request.partnership, filters)


@partnership_view(PORTFOLIO_VIEWERS)
def export_xlsx(request):
    filters = _filters(request)
    _log_export(request, filters, "xlsx")
    return exports.xlsx_response(request.partnership, filters)


def _log_export(request, filters, file_format):
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT_DOWNLOADED,
        request=request,
        detail={"format": file_format, "filters": filters.raw},
    )
