from django import forms
from django.core.exceptions import ValidationError

from .models import Preference, ReminderSettings, parse_offsets


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = [
            "review_reminders",
            "review_offsets",
            "action_reminders",
            "action_offsets",
            "waiting_reminders",
            "waiting_days",
            "weekly_digest",
            "digest_weekday",
        ]
        widgets = {"digest_weekday": forms.RadioSelect}
        help_texts = {
            "review_offsets": "Whole numbers of days, separated by commas, for example 60, 30, 7. "
            "A reminder also goes on the day, and weekly while the review is overdue.",
            "action_offsets": "For example 14. A reminder also goes on the day, and weekly "
            "while the action is overdue.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("review_offsets", "action_offsets"):
            self.fields[name].error_messages["required"] = (
                "Enter at least one number of days, for example 60, 30, 7"
            )
        self.fields["waiting_days"].error_messages.update(
            required="Enter a number of days from 1 to 365",
            invalid="Enter a number of days from 1 to 365",
        )

    def _offsets(self, name):
        value = self.cleaned_data.get(name, "")
        return ", ".join(str(n) for n in parse_offsets(value))

    def clean_review_offsets(self):
        return self._offsets("review_offsets")

    def clean_action_offsets(self):
        return self._offsets("action_offsets")

    def clean_waiting_days(self):
        value = self.cleaned_data.get("waiting_days")
        if value is not None and not 1 <= value <= 365:
            raise ValidationError("Enter a number of days from 1 to 365")
        return value


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["delivery", *Preference.OPTIONAL]
        widgets = {"delivery": forms.RadioSelect}
        labels = {"delivery": "How reminder emails arrive"}
