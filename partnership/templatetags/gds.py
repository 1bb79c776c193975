from django import forms, template

from ..dates import date_parts as _date_parts

register = template.Library()


def _errors(form):
    first = next(iter(form.visible_fields()), None)
    for error in form.non_field_errors():
        yield (first.auto_id if first else "main-content"), error
    for field in form.visible_fields():
        anchor = field.auto_id
        kind = getattr(field.field.widget, "input_type", "")
        if kind == "radio":
            anchor = f"{field.auto_id}_0"
        elif kind == "govuk_date":
            # GOV.UK: the summary links to the first box that is wrong.
            wrong = [part for part in _date_parts(field) if part["error"]]
            anchor = wrong[0]["id"] if wrong else field.auto_id
        for error in field.errors:
            yield anchor, error


@register.inclusion_tag("components/error_summary.html")
def error_summary(*forms_and_formsets):
    """A GOV.UK error summary for several forms and formsets, linking to each field."""
    items = []
    for item in forms_and_formsets:
        if item is None:
            continue
        if isinstance(item, forms.BaseFormSet):
            for error in item.non_form_errors():
                items.append(("main-content", error))
            for form in item.forms:
                items.extend(_errors(form))
        else:
            items.extend(_errors(item))
    return {"has_errors": bool(items), "error_list": items}


@register.simple_tag
def has_errors(*forms_and_formsets):
    for item in forms_and_formsets:
        if item is None:
            continue
        if isinstance(item, forms.BaseFormSet):
            if item.is_bound and (item.non_form_errors() or any(f.errors for f in item.forms)):
                return True
        elif item.is_bound and item.errors:
            return True
    return False


@register.filter
def get_task_url(urls, task):
    return urls.get(task, "#main-content")


@register.filter
def form_field(form, number):
    """The review form's comment box for principle `number`."""
    return form[f"comment_{number}"]


@register.filter
def date_parts(field):
    """The day, month and year boxes of a GOV.UK date field (see partnership/dates.py)."""
    return _date_parts(field)
