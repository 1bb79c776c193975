"""Forms of the survey (one question a page) and of its management pages."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.dates import GovukDateField
from partnership.forms import GDSForm
from partnership.text import LimitedTextField
from voice.models import SurveyResponse

from . import questions
from .questions import CHANGE_LIMIT, CONTACT_LIMIT, STEPS_BY_KEY

# Chosen on purpose, so nothing is selected before the person chooses.
NOT_SAID = "not_said"


class QuestionForm(forms.Form):
    """One survey page: the question is the page's heading (legend or label as h1)."""

    def __init__(self, *args, step_key, words, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = STEPS_BY_KEY[step_key]
        self.words = words
        simple = words == SurveyResponse.Words.SIMPLE
        label = self.step.label(words)
        hint = self.step.hint_for(words)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if step_key.startswith("statement_"):
            self.fields["answer"] = forms.ChoiceField(
                label=label,
                help_text=hint,
                choices=questions.agreement_choices(words),
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose an answer, or “This did not happen to me”"
                    if simple
                    else "Select how far you agree, or “Does not apply”"
                },
            )
            layout = [Field.radios("answer", legend_size=Size.LARGE, legend_tag="h1")]
        elif step_key == "meaningful":
            self.fields["answer"] = forms.ChoiceField(
                label=label,
                help_text=hint,
                choices=questions.meaningful_choices(words),
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer" if simple else "Select an answer"},
            )
            layout = [Field.radios("answer", legend_size=Size.LARGE, legend_tag="h1")]
        elif step_key == "change":
            self.fields["answer"] = LimitedTextField(
                label=label,
                help_text=hint,
                limit=CHANGE_LIMIT,
                name="What you would change",
                rows=6,
            )
            layout = [
                Field.textarea(
                    "answer",
                    label_size=Size.LARGE,
                    label_tag="h1",
                    rows=6,
                    max_characters=CHANGE_LIMIT,
                )
            ]
        elif step_key == "respondent":
            self.fields["answer"] = forms.ChoiceField(
                label=label,
                help_text=hint,
                choices=[
                    *questions.respondent_choices(words),
                    (NOT_SAID, "I would rather not say"),
                ],
                widget=forms.RadioSelect,
                required=False,
            )
            layout = [Field.radios("answer", legend_size=Size.LARGE, legend_tag="h1")]
        else:
            self.fields["answer"] = forms.ChoiceField(
                label=label,
                help_text=hint,
                choices=[
                    ("yes", "Yes, you may contact me about my answers"),
                    ("no", "No"),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": "Select yes or no"},
            )
            self.fields["contact_name"] = forms.CharField(
                label="Your name",
                max_length=150,
                required=False,
                help_text="Only if you chose yes.",
            )
            self.fields["contact_details"] = forms.CharField(
                label="Your email address or phone number",
                max_length=CONTACT_LIMIT,
                required=False,
                help_text="Only if you chose yes.",
                error_messages={
                    "max_length": f"Email address or phone number must be {CONTACT_LIMIT} "
                    "characters or fewer"
                },
            )
            layout = [
                Field.radios("answer", legend_size=Size.LARGE, legend_tag="h1"),
                Field.text("contact_name", label_size=Size.SMALL),
                Field.text("contact_details", label_size=Size.SMALL),
            ]
        continue_label = "Continue"
        self.helper.layout = Layout(*layout, Submit("continue", continue_label))

    def clean(self):
        data = super().clean()
        if self.step.key == "contact" and data.get("answer") == "yes":
            if not (data.get("contact_details") or "").strip():
                self.add_error(
                    "contact_details",
                    "Enter your email address or phone number, or choose No",
                )
        return data


class SurveyLinkForm(GDSForm):
    submit_label = "Make a survey link"

    closes_on = GovukDateField(
        label="Closing date (optional)",
        required=False,
        help_text="The last day answers are taken. Leave it empty to keep the survey open "
        "until you close it.",
    )

    def clean_closes_on(self):
        value = self.cleaned_data.get("closes_on")
        if value and value < timezone.localdate():
            raise ValidationError("Closing date must be today or in the future")
        return value


class ClosingDateForm(SurveyLinkForm):
    submit_label = "Save the closing date"


class MappingForm(GDSForm):
    """For each statement, the principles it speaks to."""

    submit_label = "Save"

    def __init__(self, *args, principles, mapping, **kwargs):
        self.principles = principles
        super(GDSForm, self).__init__(*args, **kwargs)
        choices = [(str(p.number), f"Principle {p.number}: {p.title}") for p in principles]
        for number, text in questions.STATEMENTS.items():
            self.fields[f"statement_{number}"] = forms.MultipleChoiceField(
                label=f"Statement {number}: {text}",
                choices=choices,
                required=False,
                initial=[str(n) for n in mapping.get(number, [])],
                widget=forms.CheckboxSelectMultiple,
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *[Field.checkboxes(name, legend_size=Size.MEDIUM, small=True) for name in self.fields],
            Submit("submit", self.submit_label),
        )

    def mapping(self):
        return {
            number: [int(n) for n in self.cleaned_data[f"statement_{number}"]]
            for number in questions.STATEMENTS
        }
