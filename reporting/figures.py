"""Everything the portfolio's figures show, for the dashboard and for the board pack.

One function, so a board pack made from the dashboard's filters shows the dashboard's
numbers and charts, never a second calculation of them.
"""

from principles.models import current_framework

from . import charts, selectors


def portfolio_figures(partnership, filters, today, audit_url):
    """The figures for `filters` on `today`; `audit_url(pk)` links each audit in the heat map."""
    head = selectors.headline(partnership, filters, today)
    framework = current_framework(partnership)
    context = {
        "filters": filters,
        "headline": head,
        "today": today,
        "principles": list(framework.principles.all()) if framework else [],
    }
    has_accepted = (
        selectors.scoped_audits(partnership, filters).filter(status=selectors.ACCEPTED).exists()
    )
    context["has_accepted"] = has_accepted
    if has_accepted:
        profile = selectors.principle_profile(partnership, filters)
        by_sector = selectors.profile_by_sector(partnership, filters)
        trend = selectors.trend(partnership, filters)
        heat_rows = selectors.heat_map(partnership, filters)
        context.update(
            heat_map=heat_rows,
            heat_map_body=charts.heat_map_body(heat_rows, audit_url),
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
    context.update(
        waiting=selectors.waiting_longest(partnership, filters),
        overdue_reviews=selectors.reviews_overdue(partnership, filters, today).select_related(
            "project__service"
        )[:20],
        due_reviews=selectors.reviews_due(partnership, filters, today=today).select_related(
            "project__service"
        )[:20],
        overdue_actions=selectors.overdue_action_list(partnership, filters, today=today),
        unaudited=selectors.unaudited_services(partnership, filters, today)[:30],
    )
    return context
