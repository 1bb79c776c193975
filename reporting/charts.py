"""Geometry for the server-drawn SVG charts; the markup lives in templates/reporting/charts/.

The same markup goes into pages and into printed board packs. Colours come from a
colour-blind-safe diverging palette, and every bar carries its number as text, so no
reading depends on colour alone.
"""

from django.template.loader import render_to_string

LEVELS = [
    (1, "Room for Improvement", "#f4a582", "#0b0c0c"),
    (2, "Good", "#92c5de", "#0b0c0c"),
    (3, "Excellent", "#0571b0", "#ffffff"),
]
LEVEL_COLOURS = {rank: (fill, text) for rank, _, fill, text in LEVELS}


def stacked_bars(rows, *, title, compact=False):
    """Horizontal stacked bars: rows of (label, {rank: count})."""
    label_width, bar_width, row_height, gap = 110, 480, 22 if compact else 30, 10
    bars = []
    for index, (label, counts) in enumerate(rows):
        total = sum(counts.values())
        y = 30 + index * (row_height + gap)
        x = label_width
        segments = []
        for rank, name, fill, text in LEVELS:
            count = counts.get(rank, 0)
            width = bar_width * count / total if total else 0
            if count:
                segments.append(
                    {
                        "x": round(x, 1),
                        "width": round(width, 1),
                        "fill": fill,
                        "text_colour": text,
                        "count": count,
                        "name": name,
                        # Numbers go inside a segment only when they fit.
                        "show_text": width >= 22,
                        "text_x": round(x + width / 2, 1),
                    }
                )
            x += width
        bars.append(
            {"label": label, "y": y, "total": total, "segments": segments, "height": row_height}
        )
    height = 30 + len(rows) * (row_height + gap) + 10
    return render_to_string(
        "reporting/charts/stacked_bars.svg",
        {
            "title": title,
            "bars": bars,
            "width": label_width + bar_width + 50,
            "height": height,
            "label_width": label_width,
            "levels": LEVELS,
            "text_offset": row_height / 2 + 5,
        },
    )


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
    from html import escape

    from django.utils.safestring import mark_safe

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
