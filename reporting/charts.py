"""The server-drawn SVG charts: the stacked bars are written here, the trend's markup
lives in templates/reporting/charts/trend.svg.

The same markup goes into pages and into printed board packs. Colours come from a
colour-blind-safe diverging palette, and every bar carries its number as text, so no
reading depends on colour alone.
"""

from dataclasses import dataclass
from html import escape

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

LEVELS = [
    (1, "Room for Improvement", "#f4a582", "#0b0c0c"),
    (2, "Good", "#92c5de", "#0b0c0c"),
    (3, "Excellent", "#0571b0", "#ffffff"),
]
LEVEL_COLOURS = {rank: (fill, text) for rank, _, fill, text in LEVELS}


def stacked_bars(rows, *, title, compact=False):
    """Horizontal stacked bars: rows of (label, {rank: count}).

    Written here rather than in a template: the dashboard draws eight of these, and a
    template spent more time formatting their numbers than on the rest of the figures.
    Every text is escaped as it is placed.
    """
    label_width, bar_width, row_height, gap = 110, 480, 22 if compact else 30, 10
    title = escape(title)
    dy = row_height / 2 + 5
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 '
        f'{label_width + bar_width + 50} {30 + len(rows) * (row_height + gap) + 10}" '
        f'width="100%" role="img" aria-label="{title}. The same figures are in the table '
        'that follows." focusable="false">',
        f"  <title>{title}. The same figures are in the table that follows.</title>",
        '  <g font-family="system-ui, sans-serif" font-size="13">',
    ]
    for index, (label, counts) in enumerate(rows):
        label = escape(label)
        total = sum(counts.values())
        y = 30 + index * (row_height + gap)
        parts.append(
            f'    <text x="{label_width - 8}" y="{y}" dy="{dy}" text-anchor="end" '
            f'fill="#0b0c0c">{label}</text>'
        )
        x = label_width
        drawn = False
        for rank, name, fill, text in LEVELS:
            count = counts.get(rank, 0)
            width = bar_width * count / total if total else 0
            if count:
                drawn = True
                parts.append(
                    f'      <rect x="{round(x, 1)}" y="{y}" width="{round(width, 1)}" '
                    f'height="{row_height}" fill="{fill}" stroke="#ffffff" stroke-width="1">'
                    f"<title>{label}: {count} {name}</title></rect>"
                )
                # Numbers go inside a segment only when they fit.
                if width >= 22:
                    parts.append(
                        f'      <text x="{round(x + width / 2, 1)}" y="{y}" dy="{dy}" '
                        f'text-anchor="middle" fill="{text}" font-weight="bold">{count}</text>'
                    )
            x += width
        if not drawn:
            parts.append(
                f'      <text x="{label_width}" y="{y}" dy="{dy}" fill="#505a5f">'
                "No levels given</text>"
            )
    parts.append("  </g>\n</svg>")
    return mark_safe("\n".join(parts))


PRINCIPLE_STYLES = [
    ("#0072b2", "0"),
    ("#d55e00", "6 3"),
    ("#009e73", "2 3"),
    ("#cc79a7", "8 3 2 3"),
    ("#56b4e9", "4 4"),
    ("#000000", "1 2"),
]
# A marker shape for each principle (an SVG path around 0,0), so lines stay apart by
# shape as well as by colour and dash.
MARKERS = [
    "M0,-5 A5,5 0 1,0 0,5 A5,5 0 1,0 0,-5 Z",  # circle
    "M-4.5,-4.5 H4.5 V4.5 H-4.5 Z",  # square
    "M0,-6 L5.5,4 H-5.5 Z",  # triangle
    "M0,-6 L6,0 L0,6 L-6,0 Z",  # diamond
    "M0,6 L5.5,-4 H-5.5 Z",  # triangle pointing down
    "M-2,-6 H2 V-2 H6 V2 H2 V6 H-2 V2 H-6 V-2 H-2 Z",  # plus
]
# Lines with equal values would sit on top of each other: each is drawn a few pixels
# from its neighbours (the table below the chart has the exact figures).
LINE_SPREAD = 3


def trend_lines(trend, *, title):
    """Share of Good or Excellent per principle, one line per principle, one point per year."""
    years = [year for year, _ in trend]
    if not years:
        return ""
    left, top, width, height = 50, 20, 520, 220
    step = width / max(len(years) - 1, 1)

    def point(i, share):
        return round(left + i * step, 1), round(top + height - height * share, 1)

    lines = []
    for number in range(1, 7):
        colour, dash = PRINCIPLE_STYLES[number - 1]
        offset = (number - 3.5) * LINE_SPREAD
        points = []
        for i, (year, by_principle) in enumerate(trend):
            good, total = by_principle.get(number, (0, 0))
            if total:
                x, y = point(i, good / total)
                points.append(
                    {
                        "x": x,
                        "y": round(y + offset, 1),
                        "share": round(100 * good / total),
                        "year": year,
                    }
                )
        lines.append(
            {
                "number": number,
                "colour": colour,
                "dash": dash,
                "marker": MARKERS[number - 1],
                "legend_y": 22 * number,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    return render_to_string(
        "reporting/charts/trend.svg",
        {
            "title": title,
            "lines": lines,
            "years": [{"year": y, "x": round(left + i * step, 1)} for i, y in enumerate(years)],
            "gridlines": [
                {"y": round(top + height - height * f, 1), "label": f"{int(f * 100)}%"}
                for f in (0, 0.25, 0.5, 0.75, 1)
            ],
            "left": left,
            "right": left + width,
            "bottom": top + height,
            "width": left + width + 150,
            "height": top + height + 40,
            "legend_x": left + width + 20,
        },
    )


def heat_map_body(rows, audit_url):
    """The heat map's table body. Built here rather than in a template loop because a
    partnership may have hundreds of services; `audit_url(pk)` gives each audit's page."""
    parts = []
    organisation = None
    for row in rows:
        if row.organisation != organisation:
            organisation = row.organisation
            parts.append(
                '<tr class="govuk-table__row"><th scope="colgroup" colspan="7" '
                f'class="govuk-table__header app-heat-map__group">{escape(organisation)}</th></tr>'
            )
        service = escape(row.service)
        date = (
            f'<br><span class="govuk-body-s">{row.audit_date:%b %Y}</span>'
            if row.audit_date
            else ""
        )
        url = escape(audit_url(row.audit_id)) if row.audit_id else ""
        cells = "".join(
            f'<td class="govuk-table__cell app-level-{cell[0]}"><a class="app-heat-map__link" '
            f'href="{url}">{cell[1]}<span class="govuk-visually-hidden">: {service}, principle '
            f"{number}</span></a></td>"
            if cell
            else '<td class="govuk-table__cell app-level-none">Not audited</td>'
            for number, cell in enumerate(row.cells, start=1)
        )
        parts.append(
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header '
            f'app-heat-map__service">{service}{date}</th>{cells}</tr>'
        )
    # Every value above was escaped as it was placed.
    return mark_safe("".join(parts))


@dataclass
class HeatGroup:
    """One organisation's services in the heat map, with what puts it near the top."""

    organisation: str
    organisation_id: int
    rows: list
    room: int  # cells at Room for Improvement
    scored: int  # cells with a level
    not_audited: int  # services with no audit in the portfolio
    rank_total: int = 0  # the sum of the levels given

    @property
    def mean_rank(self):
        return self.rank_total / self.scored if self.scored else 0

    @property
    def services(self):
        return len(self.rows)

    @property
    def room_share(self):
        return self.room / self.scored if self.scored else 0


def _row_order(row):
    ranks = [cell[0] for cell in row.cells if cell]
    # Most Room for Improvement first, then the lowest levels; services not audited last.
    return (not ranks, -ranks.count(1), sum(ranks) / len(ranks) if ranks else 0, row.service)


def heat_map_groups(rows):
    """The heat map's rows grouped by organisation, the worst organisation first (the
    largest share of Room for Improvement, then the lowest levels, then the most services
    not audited), and
    within each the worst service first."""
    groups = {}
    for row in rows:
        group = groups.get(row.organisation_id)
        if group is None:
            group = groups[row.organisation_id] = HeatGroup(
                row.organisation, row.organisation_id, [], 0, 0, 0
            )
        group.rows.append(row)
        ranks = [cell[0] for cell in row.cells if cell]
        group.room += ranks.count(1)
        group.scored += len(ranks)
        group.rank_total += sum(ranks)
        group.not_audited += not row.audit_id
    for group in groups.values():
        group.rows.sort(key=_row_order)
    return sorted(
        groups.values(),
        key=lambda g: (not g.scored, -g.room_share, g.mean_rank, -g.not_audited, g.organisation),
    )


def _heat_row(row, audit_url):
    service = escape(row.service)
    date = f'<br><span class="govuk-body-s">{row.audit_date:%b %Y}</span>' if row.audit_date else ""
    url = escape(audit_url(row.audit_id)) if row.audit_id else ""
    cells = "".join(
        f'<td class="govuk-table__cell app-level-{cell[0]}"><a class="app-heat-map__link" '
        f'href="{url}">{cell[1]}<span class="govuk-visually-hidden">: {service}, principle '
        f"{number}</span></a></td>"
        if cell
        else '<td class="govuk-table__cell app-level-none">Not audited</td>'
        for number, cell in enumerate(row.cells, start=1)
    )
    return (
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header '
        f'app-heat-map__service">{service}{date}</th>{cells}</tr>'
    )


HEAT_HEAD = (
    '<thead class="govuk-table__head"><tr class="govuk-table__row">'
    '<th scope="col" class="govuk-table__header">Service</th>'
    + "".join(
        f'<th scope="col" class="govuk-table__header">Principle {n}</th>' for n in range(1, 7)
    )
    + "</tr></thead>"
)


def heat_map_groups_html(groups, audit_url, *, services_shown=None, open_first=3, more_url=None):
    """Each organisation as a details element holding its own table, the first few open.

    `services_shown` caps the rows of each organisation, with a link (from
    `more_url(group)`) to all of them, so the page stays the same size however many
    services an organisation has. Built here rather than in a template loop: every value
    is escaped as it is placed.
    """
    parts = []
    for index, group in enumerate(groups):
        name = escape(group.organisation)
        summary = [f"{group.services} service{'s' if group.services != 1 else ''}"]
        if group.scored:
            summary.append(f"{round(100 * group.room_share)}% of levels Room for Improvement")
        if group.not_audited:
            summary.append(f"{group.not_audited} not audited")
        rows = group.rows if services_shown is None else group.rows[:services_shown]
        body = "".join(_heat_row(row, audit_url) for row in rows)
        more = ""
        if len(rows) < group.services and more_url:
            more = (
                f'<p class="govuk-body"><a class="govuk-link" href="{escape(more_url(group))}">'
                f"Show all {group.services} services of {name}</a></p>"
            )
        parts.append(
            f'<details class="govuk-details app-heat-map__organisation"'
            f"{' open' if index < open_first else ''}>"
            '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
            f'{name}</span> <span class="govuk-body-s">({", ".join(summary)})</span>'
            '</summary><div class="govuk-details__text">'
            f'<div class="app-table-scroll" role="region" aria-label="Heat map: {name}" '
            'tabindex="0"><table class="govuk-table app-heat-map">'
            '<caption class="govuk-table__caption govuk-visually-hidden">Level of each '
            f"principle in the latest audit of each service of {name}</caption>{HEAT_HEAD}"
            f'<tbody class="govuk-table__body">{body}</tbody></table></div>{more}</div></details>'
        )
    return mark_safe("".join(parts))
