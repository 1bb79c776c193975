"""Posting dates the way GOV.UK's date input sends them: day, month and year apart."""

from datetime import date


def date_fields(name, value):
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }
