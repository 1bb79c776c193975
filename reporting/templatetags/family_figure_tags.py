from django import template

from ..family_figures import family_rated_share, service_against_families

register = template.Library()


@register.simple_tag(takes_context=True)
def family_rated_figures(context):
    """The family-rated figures for the dashboard's partnership and filters."""
    partnership, filters = context["partnership"], context["filters"]
    return {
        "share": family_rated_share(partnership, filters),
        "principles": service_against_families(partnership, filters),
    }
