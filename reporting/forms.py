from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.dates import GovukDateField
from partnership.forms import GDSForm


class MeetingForm(GDSForm):
    submit_label = "Add the meeting"

    date = GovukDateField(
        label="Date of the board meeting",
        error_messages={"required": "Enter the date of the board meeting"},
    )
    title = forms.CharField(
        label="Name of the meeting (optional)",
        required=False,
        max_length=150,
        help_text="For example, SEND Improvement Board, summer meeting",
    )

    def __init__(self, *args, partnership, **kwargs):
        self.partnership = partnership
        super().__init__(*args, **kwargs)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value < timezone.localdate():
            raise ValidationError("The date of the board meeting must be today or in the future")
        if self.partnership.board_meetings.filter(date=value).exists():
            raise ValidationError("A board meeting on that date is already recorded")
        return value
