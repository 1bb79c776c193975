"""Family voice figures on pages of higher apps: the portfolio includes
voice/_portfolio_ladder.html, which asks for the roll-ups here."""

from django import template

from voice import selectors
from voice.charts import paired_bars
from voice.yswd_models import YouSaidWeDid
from voice.yswd_services import can_write

register = template.Library()


@register.simple_tag(takes_context=True)
def ladder_roll_up(context):
    """The ladder and the commissioning cycle for the page's partnership and filters."""
    partnership = context["partnership"]
    scope = context.get("filters")
    ladder = selectors.ladder(partnership, scope)
    cycle = selectors.cycle(partnership, scope)
    return {
        "ladder": ladder,
        "ladder_chart": ladder.has_data
        and paired_bars(
            [(rung.label, rung.aimed, rung.reached) for rung in reversed(ladder.rungs)],
            key="ladder-chart",
            series=("Aimed for", "Reached"),
            title="Projects by level of participation aimed for and reached",
        ),
        "cycle": cycle,
        "cycle_chart": cycle["has_data"]
        and paired_bars(
            [(s.label, s.at_stage, s.families_involved) for s in cycle["stages"]],
            key="cycle-chart",
            series=("Projects at this stage", "Families involved"),
            title="Projects at each stage of the joint commissioning cycle, and projects "
            "that involved families at each stage",
        ),
    }


@register.inclusion_tag("voice/yswd/_for_audit.html", takes_context=True)
def you_said_we_did_for(context, audit):
    """On an accepted audit's page: its "You said, we did" summary, or a link to write one."""
    membership = context.get("membership")
    if audit.status != "accepted" or membership is None:
        return {"show": False}
    writable = can_write(audit, membership)
    summary = YouSaidWeDid.objects.filter(audit=audit).first()
    return {
        "show": bool(summary) or writable,
        "summary": summary,
        "audit": audit,
        "writable": writable,
        "partnership": context.get("partnership"),
    }
