"""Everything the portfolio's figures show, for the dashboard and for the board pack.

One function, so a board pack made from the dashboard's filters shows the dashboard's
numbers and charts, never a second calculation of them.

The figures come in two parts, each plain data that can be cached on its own (see
cache.py): the period's figures, which only audits dated in the period can change, and
today's figures, which do not depend on the period.
"""

from principles.models import current_framework

from . import charts, selectors

# How many rows each list of "What needs attention" shows before its "Show all" link.
LIST_LIMITS = {
    "waiting": 10,
    "overdue_reviews": 20,
    "due_reviews": 20,
    "overdue_actions": 20,
    "unaudited": 30,
}


def _first(queryset, name):
    """The first rows of a list and whether there are more: one query, never a count."""
    limit = LIST_LIMITS[name]
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def period_figures(partnership, filters, today):
    """The figures of the period: everything that counts the portfolio's audits."""
    figures = {"headline_in_period": selectors.headline_in_period(partnership, filters, today)}
    # Worked out even when nothing is accepted yet (each is then a query over no rows), so
    # this part never depends on audits outside the period; the template decides to show it.
    profile = selectors.principle_profile(partnership, filters)
    by_sector = selectors.profile_by_sector(partnership, filters)
    trend = selectors.trend(partnership, filters)
    figures.update(
        heat_map=selectors.heat_map(partnership, filters),
        profile=profile,
        profile_chart=charts.stacked_bars(
            [(f"Principle {n}", counts) for n, counts in profile.items()],
            title="Levels given to each principle",
        ),
        by_sector=[
            (
                sector,
                label,
                counts,
                charts.stacked_bars(
                    [(f"Principle {n}", c) for n, c in counts.items()],
                    title=f"Levels given to each principle: {label}",
                    compact=True,
                ),
            )
            for sector, label, counts in by_sector
        ],
        trend=trend,
        trend_chart=charts.trend_lines(trend, title="Share rated Good or Excellent, by year"),
        movement=selectors.movement(partnership, filters),
    )
    overdue_actions = selectors.overdue_action_list(
        partnership, filters, limit=LIST_LIMITS["overdue_actions"] + 1, today=today
    )
    figures["overdue_actions"], figures["overdue_actions_more"] = _first(
        overdue_actions, "overdue_actions"
    )
    return figures


def now_figures(partnership, filters, today):
    """Today's figures, the same for every period: reviews, waiting audits, services."""
    framework = current_framework(partnership)
    figures = {
        "headline_now": selectors.headline_now(partnership, filters, today),
        "principles": list(framework.principles.all()) if framework else [],
        "has_accepted": selectors.scoped_audits(partnership, filters)
        .filter(status=selectors.ACCEPTED)
        .exists(),
    }
    lists = {
        "waiting": selectors.waiting_longest(
            partnership, filters, limit=LIST_LIMITS["waiting"] + 1
        ),
        "unaudited": selectors.unaudited_services(partnership, filters, today),
    }
    for name, queryset in lists.items():
        figures[name], figures[f"{name}_more"] = _first(queryset, name)
    limit = LIST_LIMITS["overdue_reviews"]
    figures["overdue_reviews"], overdue = selectors.overdue_review_list(
        partnership, filters, limit, today
    )
    figures["overdue_reviews_more"] = overdue > limit
    limit = LIST_LIMITS["due_reviews"]
    figures["due_reviews"], due = selectors.due_review_list(
        partnership, filters, limit=limit, today=today
    )
    figures["due_reviews_more"] = due > limit
    return figures


def combine(period, now, filters, today, audit_url, *, full_heat_map=True):
    """The template context from the two parts. `full_heat_map` draws every service (the
    board pack); otherwise the worst organisations first, a page at a time (the dashboard)."""
    head = selectors.Headline(**period["headline_in_period"], **now["headline_now"])
    context = {
        **{k: v for k, v in period.items() if k != "headline_in_period"},
        **{k: v for k, v in now.items() if k != "headline_now"},
        "filters": filters,
        "headline": head,
        "today": today,
    }
    if "heat_map" in period:
        rows = period["heat_map"]
        if full_heat_map:
            context["heat_map_body"] = charts.heat_map_body(rows, audit_url)
        else:
            context["heat_map_groups"] = charts.heat_map_groups(rows)
    return context


def portfolio_figures(partnership, filters, today, audit_url, *, full_heat_map=True):
    """The figures for `filters` on `today`; `audit_url(pk)` links each audit in the heat map."""
    return combine(
        period_figures(partnership, filters, today),
        now_figures(partnership, filters, today),
        filters,
        today,
        audit_url,
        full_heat_map=full_heat_map,
    )
