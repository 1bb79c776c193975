"""The portfolio's filters, read from the URL so every view can be bookmarked and shared.

Bad values (a malformed date, an unknown id, an id of another partnership) are dropped
with a message that names the filter; they never widen or break the view.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode

from partnership.dates import PARTS, parse_date_parts
from partnership.models import Organisation, Role, Sector, Service


@dataclass
class Period:
    key: str
    label: str
    start: date | None
    end: date | None


@dataclass
class PortfolioFilters:
    period: Period
    organisation: Organisation | None = None
    sector: str = ""
    service: Service | None = None
    outcome_rank: int | None = None
    include_submitted: bool = False
    # A service lead sees only their services; None means no such limit.
    service_ids: list | None = None
    problems: list = field(default_factory=list)
    # Mistakes in what was typed into the filters: (field, message) for the error summary.
    errors: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    # Figures worked out once per request and shared by the selectors.
    cache: dict = field(default_factory=dict, repr=False)

    def query(self, **extra):
        """The URL query for these filters, plus `extra` (for drill-down links)."""
        params = {k: v for k, v in self.raw.items() if v not in ("", None)}
        params.update({k: v for k, v in extra.items() if v not in ("", None)})
        return urlencode(params)

    def scope_query(self):
        """The query of the filters that choose which services count, not which dates or
        outcomes: today's figures read only these."""
        return urlencode(
            {
                k: v
                for k, v in self.raw.items()
                if k in ("organisation", "sector", "service") and v not in ("", None)
            }
        )


def financial_year(today=None):
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def period_choices(today=None):
    """All time, the last five financial and calendar years, and custom dates."""
    today = today or timezone.localdate()
    fy = financial_year(today)
    choices = [("all", "All time"), ("12m", "Last 12 months")]
    choices += [(f"fy{y}", f"Financial year {y}–{str(y + 1)[-2:]}") for y in range(fy, fy - 5, -1)]
    choices += [(f"cy{y}", f"Calendar year {y}") for y in range(today.year, today.year - 5, -1)]
    choices.append(("custom", "Custom dates"))
    return choices


# Years a period may name; anything else is a typing mistake or a probe, not a period.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def small_number(text, low, high):
    """`text` as an int when it is plain ASCII digits within [low, high], else None.

    str.isdigit() accepts "²" and would let 30-digit ids reach the database, where
    they overflow its integer columns; this accepts only what can be a real value.
    """
    if not text or len(text) > 12 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _period(key, problems, today):
    labels = dict(period_choices(today))
    if key in ("", "all"):
        return Period("all", "All time", None, None)
    if key == "12m":
        return Period(key, labels[key], today - timedelta(days=365), today)
    year = small_number(key[2:], FIRST_YEAR, LAST_YEAR)
    if key.startswith("fy") and year:
        return Period(
            key, labels.get(key, f"Financial year {year}"), date(year, 4, 1), date(year + 1, 3, 31)
        )
    if key.startswith("cy") and year:
        return Period(
            key, labels.get(key, f"Calendar year {year}"), date(year, 1, 1), date(year, 12, 31)
        )
    problems.append("Period")
    return Period("all", "All time", None, None)


def _safe_date(text):
    try:
        return parse_date(text) if text else None
    except ValueError:
        return None


def _custom_date(params, name, label, problems, errors):
    """A custom period's date, typed in GOV.UK's three boxes or given whole in a link.

    Typed mistakes go to `errors` (shown beside the boxes); a malformed date in a shared
    link goes to `problems` (named and ignored).
    """
    parts = [params.get(f"{name}-{part}", "") for part in PARTS]
    if any(part.strip() for part in parts):
        try:
            value = parse_date_parts(*parts, name=f"The ‘{label.lower()}’ date")
        except ValidationError as error:
            errors.append((name, error.messages[0]))
            return None
        return value
    text = params.get(name, "")
    value = _safe_date(text)
    if text and not value:
        problems.append(f"{label} date")
    return value


def date_boxes(params, filters, name):
    """The day, month and year boxes of a custom period's date, as typed (so a mistake
    can be put right) or from the date in use."""
    typed = [params.get(f"{name}-{part}", "") for part in PARTS]
    if not any(typed):
        chosen = filters.period.start if name == "from" else filters.period.end
        if chosen and filters.period.key == "custom":
            typed = [str(chosen.day), str(chosen.month), str(chosen.year)]
    wrong = any(field == name for field, _ in filters.errors)
    return [
        {
            "label": part.capitalize(),
            "name": f"{name}-{part}",
            "id": name if part == "day" else f"{name}-{part}",
            "value": value,
            "width": 4 if part == "year" else 2,
            "error": wrong,
        }
        for part, value in zip(PARTS, typed, strict=True)
    ]


def parse_filters(params, partnership, membership, today=None):
    """Read the filters from a QueryDict; only the partnership's own objects are accepted."""
    today = today or timezone.localdate()
    problems = []
    raw = {}
    key = params.get("period", "all")
    errors = []
    if key == "custom":
        start_ok = _custom_date(params, "from", "From", problems, errors)
        end_ok = _custom_date(params, "to", "To", problems, errors)
        reversed_dates = bool(start_ok and end_ok and end_ok < start_ok)
        period = Period("custom", "Custom dates", start_ok, None if reversed_dates else end_ok)
        if reversed_dates:
            errors.append(("to", "The ‘to’ date must be the same as or after the ‘from’ date"))
        if period.start and period.end:
            period.label = f"{period.start:%-d %b %Y} to {period.end:%-d %b %Y}"
        elif period.start:
            period.label = f"From {period.start:%-d %b %Y}"
        elif period.end:
            period.label = f"Up to {period.end:%-d %b %Y}"
        raw.update(
            {
                "period": "custom",
                "from": start_ok.isoformat() if start_ok else "",
                "to": period.end.isoformat() if period.end else "",
            }
        )
    else:
        period = _period(key, problems, today)
        raw["period"] = period.key if period.key != "all" else ""

    filters = PortfolioFilters(period=period, problems=problems, raw=raw, errors=errors)

    def own(model, name, label):
        value = params.get(name, "")
        if not value:
            return None
        obj = None
        pk = small_number(value, 1, 2**62)
        if pk:
            obj = model.objects.filter(partnership=partnership, pk=pk).first()
        if obj is None:
            problems.append(label)
            return None
        raw[name] = value
        return obj

    filters.organisation = own(Organisation, "organisation", "Organisation")
    filters.service = own(Service, "service", "Service")
    sector = params.get("sector", "")
    if sector:
        if sector in Sector.values:
            filters.sector = raw["sector"] = sector
        else:
            problems.append("Sector")
    outcome = params.get("outcome", "")
    if outcome:
        if outcome in ("1", "2", "3"):
            filters.outcome_rank = int(outcome)
            raw["outcome"] = outcome
        else:
            problems.append("Outcome")
    if params.get("include_submitted") in ("1", "on", "yes"):
        filters.include_submitted = True
        raw["include_submitted"] = "1"
    if membership.role == Role.SERVICE_LEAD:
        filters.service_ids = list(membership.services.values_list("pk", flat=True))
    return filters
