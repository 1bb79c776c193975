"""Free text with a limit people can see: said in the hint, counted as they type (GOV.UK's
character count) and, when passed, an error beside the field. Nothing typed is cut off:
the box accepts more, so the error can say by how much, and the text is kept to edit.
"""

from django import forms

# Limits for the product's free text, in characters.
NOTES = 10_000
SUMMARY = 10_000
COMMENT = 5_000
ACTION = 1_000
DESCRIPTION = 5_000


class LimitedTextField(forms.CharField):
    """A multi-line text field with a character limit, shown with GOV.UK's character count."""

    def __init__(self, *, limit, name=None, rows=5, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        kwargs.setdefault("required", False)
        super().__init__(max_length=limit, **kwargs)
        self.limit = limit
        what = name or str(self.label or "This")
        self.error_messages["max_length"] = f"{what} must be {limit:,} characters or fewer"

    def to_python(self, value):
        # Browsers send line breaks as two characters; the counter on the page counts one.
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value

    def widget_attrs(self, widget):
        # No maxlength attribute: it would silently cut off pasted text.
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        # crispy-forms-gds's character count adds to this attribute and expects it to exist.
        attrs.setdefault("aria-describedby", "")
        return attrs
