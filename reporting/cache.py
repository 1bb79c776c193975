"""A per-partnership version stamp for cached portfolio figures.

Any change to a partnership's directory or audits moves its stamp on, so a cached
dashboard is never older than the data: the cache key carries the partnership, its
stamp, the date (overdue figures change at midnight), the viewer's scope and the filters.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _version_key(partnership_id):
    return f"portfolio-version:{partnership_id}"


def portfolio_version(partnership_id):
    version = cache.get(_version_key(partnership_id))
    if version is None:
        version = 1
        cache.add(_version_key(partnership_id), version, timeout=None)
    return version


def bump_portfolio_version(partnership_id):
    try:
        cache.incr(_version_key(partnership_id))
    except ValueError:  # not cached yet, or evicted: any new value invalidates
        cache.set(_version_key(partnership_id), 2, timeout=None)


def figures_key(partnership, today, scope, query):
    digest = hashlib.sha256(f"{scope}|{query}".encode()).hexdigest()[:32]
    return (
        f"portfolio-figures:{partnership.pk}:{portfolio_version(partnership.pk)}:"
        f"{today.isoformat()}:{digest}"
    )


def cache_seconds():
    return getattr(settings, "PORTFOLIO_CACHE_SECONDS", 600)
