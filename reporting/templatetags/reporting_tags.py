from urllib.parse import parse_qsl

from django import template

register = template.Library()


@register.filter
def level_count(counts, rank):
    return counts.get(int(rank), 0) if counts else 0


@register.filter
def drill(filters, spec):
    """The dashboard's filters as a query string, plus a figure, e.g. "figure=awaiting"."""
    return filters.query(**dict(parse_qsl(spec)))


@register.filter
def share(by_principle, number):
    good, total = by_principle.get(int(number), (0, 0))
    if not total:
        return "–"
    return f"{round(100 * good / total)}% ({good} of {total})"


@register.filter
def with_pk(pattern, pk):
    """An object's URL from a pattern with {} for its id, reversed once per page rather
    than once per link (see reporting.views._audit_url)."""
    return pattern.format(pk)


@register.filter
def cell(cells, index):
    return cells[index]


@register.inclusion_tag("reporting/attention/panel.html", takes_context=True)
def needs_attention(context):
    """The "What needs your attention" panel of the home page (see reporting/attention.py)."""
    from ..attention import needs_attention as sections

    request = context["request"]
    return {
        "sections": sections(request.membership),
        "partnership": request.partnership,
        "membership": request.membership,
    }


@register.filter
def css_string(value):
    """Text as a quoted CSS string, for page margin boxes (a <style> block is not HTML)."""
    from django.utils.safestring import mark_safe

    text = str(value)
    for char, code in (("\\", "\\5c "), ('"', "\\22 "), ("<", "\\3c "), ("\n", " ")):
        text = text.replace(char, code)
    return mark_safe(f'"{text}"')


@register.filter
def chosen_in(assessment, level):
    """Whether `level` is the one chosen in `assessment`."""
    return assessment.level_id == level.pk
