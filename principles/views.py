"""Pages that show a framework so people can read and print the rubric they are audited on."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from partnership.access import partnership_view

from .models import current_framework
from .selectors import frameworks_for_display, rubric_rows


def _framework_page(request, framework, *, is_current):
    context = {
        "framework": framework,
        "levels": list(framework.levels.all()) if framework else [],
        "rows": rubric_rows(framework) if framework else [],
        "is_current": is_current,
    }
    return render(request, "principles/framework_detail.html", context)


@partnership_view()
def framework_current(request):
    """Every member: the framework new audits in this partnership use."""
    chosen = current_framework(request.partnership)
    if chosen is None:
        return _framework_page(request, None, is_current=True)
    framework = frameworks_for_display(request.partnership).filter(pk=chosen.pk).first()
    if framework is None:
        raise Http404("The chosen framework is not available to this partnership")
    return _framework_page(request, framework, is_current=True)


@partnership_view()
def framework_detail(request, pk):
    """Every member: any framework shared with all partnerships or owned by this one."""
    framework = get_object_or_404(frameworks_for_display(request.partnership), pk=pk)
    current = current_framework(request.partnership)
    return _framework_page(request, framework, is_current=current is not None and current.pk == pk)
