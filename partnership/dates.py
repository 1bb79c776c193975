"""GOV.UK's date input (day, month and year in three boxes) as a Django form field.

Browsers' own date pickers show mm/dd/yyyy to many British users; three labelled boxes
work the same everywhere and give the GOV.UK Design System's error messages. Use
`GovukDateField` for every date a person types; `components/field.html` renders it.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")


class GovukDateInput(forms.MultiWidget):
    """Three text boxes named `<name>-day`, `<name>-month` and `<name>-year`."""

    input_type = "govuk_date"

    def __init__(self, attrs=None):
        widgets = {f"-{part}": forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                return ["", "", ""]
            return [str(parsed.day), str(parsed.month), str(parsed.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        if name in data and all(f"{name}-{part}" not in data for part in PARTS):
            # A whole date in one value (ISO, as the API and shared links send it).
            return data.get(name)
        return [data.get(f"{name}-{part}", "") for part in PARTS]

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}-{part}" not in data for part in PARTS)


def parse_date_parts(day, month, year, *, name):
    """A date from three typed parts, or ValidationError with GOV.UK's wording.

    Returns (date or None, the parts at fault) so a page can mark only those boxes.
    """
    parts = {"day": str(day or "").strip(), "month": str(month or "").strip()}
    parts["year"] = str(year or "").strip()
    missing = [part for part in PARTS if not parts[part]]
    if len(missing) == len(PARTS):
        return None
    if missing:
        raise ValidationError(
            f"{name} must include a {' and '.join(missing)}", params={"parts": missing}
        )
    if not all(value.isdigit() for value in parts.values()):
        raise ValidationError(f"{name} must be a real date", params={"parts": list(PARTS)})
    if len(parts["year"]) != 4:
        raise ValidationError("Year must include 4 numbers", params={"parts": ["year"]})
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError as error:
        raise ValidationError(
            f"{name} must be a real date", params={"parts": list(PARTS)}
        ) from error


class GovukDateField(forms.Field):
    """A date typed as day, month and year, checked with GOV.UK's error messages."""

    widget = GovukDateInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if "required" not in (kwargs.get("error_messages") or {}):
            label = str(self.label or "date")
            self.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}"

    def to_python(self, value):
        if isinstance(value, date) or value in (None, ""):
            return value or None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError as error:
                name = str(self.label or "The date")
                raise ValidationError(
                    f"{name} must be a real date", params={"parts": list(PARTS)}
                ) from error
        day, month, year = (list(value) + ["", "", ""])[:3]
        return parse_date_parts(day, month, year, name=str(self.label or "The date"))

    def bound_data(self, data, initial):
        return data

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or None)
        except ValidationError:
            return True


def date_parts(bound_field):
    """The three boxes of a bound GovukDateField, for the template: label, name, id,
    value, width and whether to mark it as wrong."""
    value = bound_field.value()
    if not isinstance(value, list):
        value = bound_field.field.widget.decompress(value)
    errors = bound_field.errors
    marked = set(PARTS) if errors else set()
    if errors:
        typed = dict(zip(PARTS, value, strict=False))
        empty = {part for part in PARTS if not str(typed.get(part) or "").strip()}
        # Mark only the missing boxes when some were filled; otherwise all three.
        if empty and empty != set(PARTS):
            marked = empty
    return [
        {
            "label": part.capitalize(),
            "name": f"{bound_field.html_name}-{part}",
            # The day box carries the field's own id, so every error summary's link lands
            # on the first box.
            "id": bound_field.auto_id if part == "day" else f"{bound_field.auto_id}-{part}",
            "value": value[index] if index < len(value) and value[index] is not None else "",
            "width": 4 if part == "year" else 2,
            "error": part in marked,
        }
        for index, part in enumerate(PARTS)
    ]
