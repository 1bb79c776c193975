"""Version stamps for the cached portfolio figures, kept per partnership and per year.

The dashboard's figures are cached in two parts (reporting/figures.py):

- the period's figures (portfolio, outcomes, heat map, profiles, trend, movement, the
  portfolio's overdue actions) depend only on the audits dated in the period. Their key
  carries the stamp of each calendar year the period covers (or the "any year" stamp for
  all time and open-ended periods) and the directory stamp;
- today's figures (awaiting review, reviews due and overdue, services audited in 12
  months, projects and services) do not depend on the period. Their key carries the
  "now" stamp and the directory stamp, and is shared by every period.

Both keys also carry the partnership, the date (overdue figures change at midnight), the
viewer's scope and the filters that part reads. reporting/signals.py moves the stamps on:

- an organisation, service or project changes: the directory stamp (everything);
- a counted audit (submitted or accepted, before or after the change) or its principle
  levels or actions change: the stamps of the years of its date of audit (before and
  after), which also moves "any year"; and the "now" stamp when the audit itself changed;
- a draft or returned audit is created or deleted: the "now" stamp only (it makes its
  project busy, which hides an overdue review);
- a draft or returned audit is edited (its levels, notes, actions): nothing, since no
  figure counts it.

So accepting an audit of 2026 keeps the cached figures of 2024; a service lead saving a
draft all afternoon keeps every cached figure.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

DIRECTORY, NOW, ANY_YEAR = "directory", "now", "years"
# A period longer than this many years is keyed by "any year" rather than year by year.
MAX_YEARS = 12


def _stamp_key(partnership_id, name):
    return f"portfolio-stamp:{partnership_id}:{name}"


def year_name(year):
    return f"y{year}"


def stamps(partnership_id, names):
    """The current value of each named stamp: one round trip to the cache."""
    keys = {_stamp_key(partnership_id, name): name for name in names}
    found = cache.get_many(list(keys))
    missing = {key: 1 for key in keys if key not in found}
    for key in missing:
        cache.add(key, 1, timeout=None)
    return [found.get(key, 1) for key in keys]


def bump(partnership_id, names):
    """Move each named stamp on, so every key that carried it is never read again."""
    for name in names:
        key = _stamp_key(partnership_id, name)
        try:
            cache.incr(key)
        except ValueError:  # not cached yet, or evicted: any value other than 1 is new
            cache.set(key, 2, timeout=None)


def period_stamp_names(period):
    """The stamps the figures of `period` depend on."""
    if period.start and period.end and period.end.year - period.start.year < MAX_YEARS:
        return [year_name(y) for y in range(period.start.year, period.end.year + 1)]
    return [ANY_YEAR]


def _key(kind, partnership, today, scope, query, stamp_values):
    digest = hashlib.sha256(f"{scope}|{query}".encode()).hexdigest()[:32]
    version = ".".join(str(v) for v in stamp_values)
    return f"portfolio-{kind}:{partnership.pk}:{today.isoformat()}:{version}:{digest}"


def figure_keys(partnership, filters, today, scope):
    """(key of the period's figures, key of today's figures) for these filters."""
    period_names = period_stamp_names(filters.period)
    values = stamps(partnership.pk, [DIRECTORY, NOW, *period_names])
    directory, now, period_values = values[0], values[1], values[2:]
    return (
        _key(
            "period",
            partnership,
            today,
            scope,
            filters.query(),
            [directory, *period_values],
        ),
        _key("now", partnership, today, scope, filters.scope_query(), [directory, now]),
    )


def cache_seconds():
    return getattr(settings, "PORTFOLIO_CACHE_SECONDS", 600)
