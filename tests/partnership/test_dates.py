"""GOV.UK's three-box date input used for every date people type."""

from datetime import date

import pytest
from django import forms

from partnership.dates import GovukDateField


class DateForm(forms.Form):
    when = GovukDateField(label="Date of audit")
    later = GovukDateField(label="Review date", required=False)


def errors(data):
    form = DateForm(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("", "", "", "Enter the date of audit"),
        ("", "4", "2026", "Date of audit must include a day"),
        ("3", "", "", "Date of audit must include a month and year"),
        ("31", "2", "2026", "Date of audit must be a real date"),
        ("1", "four", "2026", "Date of audit must be a real date"),
        ("1", "4", "26", "Year must include 4 numbers"),
    ],
)
def test_govuk_messages(day, month, year, message):
    form = errors({"when-day": day, "when-month": month, "when-year": year})
    assert form.errors["when"] == [message]


def test_a_real_date_and_an_empty_optional_one():
    form = errors({"when-day": " 3 ", "when-month": "04", "when-year": "2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"when": date(2026, 4, 3), "later": None}


def test_only_the_missing_boxes_are_marked():
    form = errors({"when-day": "", "when-month": "4", "when-year": "2026"})
    parts = {part["label"]: part for part in _parts(form)}
    assert parts["Day"]["error"] and not parts["Month"]["error"] and not parts["Year"]["error"]
    # What was typed is kept, to be put right.
    assert parts["Month"]["value"] == "4"


def _parts(form):
    from partnership.dates import date_parts

    return date_parts(form["when"])


def test_an_initial_date_fills_the_three_boxes():
    form = DateForm(initial={"when": date(2026, 11, 23)})
    assert [part["value"] for part in _parts(form)] == ["23", "11", "2026"]
    # The day box has the field's id, so an error summary's link lands on it.
    assert _parts(form)[0]["id"] == "id_when"
