"""Paired horizontal bars drawn on the server, the same in pages and print.

Each row has two bars (for example "aimed for" and "reached"); the second is solid and
the first outlined and hatched, and every bar carries its number, so no reading depends
on colour alone. The markup is templates/voice/charts/paired_bars.svg.
"""

from django.template.loader import render_to_string

SERIES_STYLES = [
    {"fill": "url(#{key}-hatch)", "stroke": "#003078", "text": "#0b0c0c"},
    {"fill": "#1d70b8", "stroke": "#1d70b8", "text": "#0b0c0c"},
]


def _styles(key):
    # Each chart names its own hatch pattern: ids are unique on a page with two charts.
    return [{**style, "fill": style["fill"].replace("{key}", key)} for style in SERIES_STYLES]


def paired_bars(rows, *, key, series, title, label_width=170):
    """rows: [(label, first value, second value)]; series: the two series' names; key: an
    id for the chart, unique on the page."""
    styles = _styles(key)
    bar_width, bar_height, gap = 360, 16, 14
    top = 34
    largest = max([max(a, b) for _, a, b in rows] + [1])
    drawn = []
    for index, (label, first, second) in enumerate(rows):
        y = top + index * (2 * bar_height + gap)
        bars = []
        for offset, (value, style, name) in enumerate(
            zip((first, second), styles, series, strict=True)
        ):
            width = round(bar_width * value / largest, 1)
            bars.append(
                {
                    "y": y + offset * bar_height,
                    "width": width,
                    "value": value,
                    "name": name,
                    "text_x": round(label_width + width + 6, 1),
                    **style,
                }
            )
        drawn.append({"label": label, "y": y, "label_y": y + bar_height + 4, "bars": bars})
    height = top + len(rows) * (2 * bar_height + gap) + 4
    return render_to_string(
        "voice/charts/paired_bars.svg",
        {
            "title": title,
            "key": key,
            "rows": drawn,
            "series": [
                {"name": name, "x": label_width + i * 170, **style}
                for i, (name, style) in enumerate(zip(series, styles, strict=True))
            ],
            "width": label_width + bar_width + 40,
            "height": height,
            "label_width": label_width,
            "bar_height": bar_height,
        },
    )
