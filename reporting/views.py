"""The portfolio dashboard, the audits behind each figure, and exports.

Admins, commissioners and board members see the whole partnership; a service lead sees
the same pages limited to their own services. Every figure comes from selectors.py.
"""

import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from partnership.access import PORTFOLIO_VIEWERS, partnership_view
from partnership.models import Organisation, Sector, SecurityEvent, Service
from partnership.security import security_event_record

from . import charts, exports, selectors
from .cache import cache_seconds, figure_keys
from .figures import combine, now_figures, period_figures
from .filters import date_boxes, parse_filters, period_choices

# The dashboard's heat map: the worst organisations, each with its worst services; the
# heat map page has every service, a page of organisations at a time.
HEAT_ORGANISATIONS = 5
HEAT_SERVICES = 6
HEAT_PAGE_ORGANISATIONS = 10
UNAUDITED_PAGE = 100
SERVICE_OPTIONS = 60


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
    # A partnership may have hundreds of services: past SERVICE_OPTIONS the list holds the
    # chosen organisation's services only, so the page does not grow with the directory.
    chosen = filters.organisation.pk if filters.organisation else None
    if chosen is None and filters.service:
        chosen = filters.service.organisation_id
    if chosen:
        services = services.filter(organisation_id=chosen)
    options = list(
        services.order_by("organisation__name", "name").values_list(
            "pk", "organisation__name", "name"
        )[: SERVICE_OPTIONS + 1]
    )
    services_cut = len(options) > SERVICE_OPTIONS
    if services_cut:
        options = []
    return {
        "filters": filters,
        "from_boxes": date_boxes(request.GET, filters, "from"),
        "to_boxes": date_boxes(request.GET, filters, "to"),
        "filter_errors": dict(filters.errors),
        "period_choices": period_choices(),
        "organisations": organisations.values_list("pk", "name"),
        "services": options,
        "services_cut": services_cut,
        "selected_organisation": filters.organisation.pk if filters.organisation else None,
        "selected_service": filters.service.pk if filters.service else None,
        "sectors": Sector.choices,
        "outcome_choices": [(1, "Requires Improvement"), (2, "Good"), (3, "Outstanding")],
    }


@partnership_view(PORTFOLIO_VIEWERS)
def dashboard(request):
    """The collated portfolio for the chosen period and filters.

    The figures are worked out in two parts, the period's and today's, each cached per
    partnership, scope, filters and day until something it counts changes (see
    reporting/cache.py), so a change to one year's audits keeps other periods' figures.
    The figures' HTML is kept too, under a key made of both parts' keys.
    """
    filters = _filters(request)
    today = timezone.localdate()
    seconds = cache_seconds()
    figures = None
    if seconds:
        keys = _figure_keys(request, filters, today)
        html_key = _kept_key("portfolio-html", keys)
        figures = cache.get(html_key)
    if figures is None:
        period, now = _figures(request, filters, today, keys if seconds else None)
        figures = render_to_string(
            "reporting/_figures.html",
            _dashboard_context(request, filters, today, period, now),
            request=request,
        )
        if seconds:
            cache.set(html_key, figures, seconds)
    context = {**_filter_context(request, filters), "figures": mark_safe(figures)}
    return render(request, "reporting/dashboard.html", context)


def _figure_keys(request, filters, today):
    scope = f"{request.membership.role}:{filters.service_ids}"
    return figure_keys(request.partnership, filters, today, scope)


def _kept_key(kind, keys):
    """The key of something made from the figures under `keys` (the page's HTML, the
    workbook): it changes whenever either of them does."""
    return f"{kind}:" + hashlib.sha256("|".join(keys).encode()).hexdigest()


def _dashboard_context(request, filters, today, period, now):
    figures = combine(period, now, filters, today, _audit_url(request), full_heat_map=False)
    groups = figures.get("heat_map_groups", [])
    drill = reverse("reporting:heat_map", args=[request.partnership.slug])
    figures.update(
        audit_url=_audit_url_pattern(request),
        heat_map_shown=charts.heat_map_groups_html(
            groups[:HEAT_ORGANISATIONS],
            _audit_url(request),
            services_shown=HEAT_SERVICES,
            more_url=lambda g: f"{drill}?{filters.query(organisation=g.organisation_id)}",
        ),
        heat_map_organisations=len(groups),
        heat_map_shown_count=min(len(groups), HEAT_ORGANISATIONS),
        heat_map_more=len(groups) > HEAT_ORGANISATIONS,
        heat_map_url=f"{drill}?{filters.query()}",
    )
    return figures


def _figures(request, filters, today, keys):
    """(period's figures, today's figures), from the cache where they are still current."""
    partnership = request.partnership
    if keys is None:
        return period_figures(partnership, filters, today), now_figures(partnership, filters, today)
    period_key, now_key = keys
    found = cache.get_many([period_key, now_key])
    period = found.get(period_key)
    now = found.get(now_key)
    fresh = {}
    if period is None:
        period = fresh[period_key] = period_figures(partnership, filters, today)
    if now is None:
        now = fresh[now_key] = now_figures(partnership, filters, today)
    if fresh:
        cache.set_many(fresh, cache_seconds())
    return period, now


def _figures_context(request, filters, today):
    """The figures the page shows for `filters`, worked out afresh (no cache)."""
    partnership = request.partnership
    return _dashboard_context(
        request,
        filters,
        today,
        period_figures(partnership, filters, today),
        now_figures(partnership, filters, today),
    )


def _audit_url_pattern(request):
    # One reverse() for the pattern, then plain substitution for each audit.
    return reverse("audits:audit_view", args=[request.partnership.slug, 0]).replace("/0/", "/{}/")


def _audit_url(request):
    return _audit_url_pattern(request).format


@partnership_view(PORTFOLIO_VIEWERS)
def heat_map(request):
    """Every service's row of the heat map, worst organisation first, a page at a time."""
    filters = _filters(request)
    groups = charts.heat_map_groups(selectors.heat_map(request.partnership, filters))
    page = Paginator(groups, HEAT_PAGE_ORGANISATIONS).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/heat_map.html",
        {
            **_filter_context(request, filters),
            "page": page,
            "groups_html": charts.heat_map_groups_html(
                page.object_list, _audit_url(request), open_first=HEAT_PAGE_ORGANISATIONS
            ),
            "page_query": filters.query(),
        },
    )


@partnership_view(PORTFOLIO_VIEWERS)
def unaudited_services(request):
    """Every service with no audited project in the last 12 months, a page at a time."""
    filters = _filters(request)
    services = selectors.unaudited_services(request.partnership, filters).values_list(
        "organisation__name", "name"
    )
    page = Paginator(services, UNAUDITED_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/unaudited.html",
        {**_filter_context(request, filters), "page": page, "page_query": filters.query()},
    )


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
    return exports.csv_response(request.partnership, filters, *_export_keeping(request, filters))


@partnership_view(PORTFOLIO_VIEWERS)
def export_xlsx(request):
    filters = _filters(request)
    _log_export(request, filters, "xlsx")
    return exports.xlsx_response(request.partnership, filters, *_export_keeping(request, filters))


def _export_keeping(request, filters):
    """(key, seconds) to keep an export under, or (None, 0) when figures are not kept."""
    seconds = cache_seconds()
    if not seconds:
        return None, 0
    keys = _figure_keys(request, filters, timezone.localdate())
    return _kept_key(f"portfolio-export:{request.resolver_match.url_name}", keys), seconds


def _log_export(request, filters, file_format):
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT_DOWNLOADED,
        request=request,
        detail={"format": file_format, "filters": filters.raw},
    )
