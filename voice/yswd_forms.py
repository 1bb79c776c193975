from django import forms

from partnership.forms import GDSForm
from partnership.text import LimitedTextField

from .yswd_models import PART_LIMIT

EASY_READ = "Use short sentences and everyday words. Families read this on a public page."


class SummaryForm(forms.Form):
    you_said = LimitedTextField(
        label="What families said",
        name="What families said",
        limit=PART_LIMIT,
        rows=5,
        required=True,
        help_text=f"{EASY_READ} For example: “You said the booking form was hard to use.”",
    )
    we_did = LimitedTextField(
        label="What the service did",
        name="What the service did",
        limit=PART_LIMIT,
        rows=5,
        required=True,
        help_text="For example: “We made the form shorter with parents. It now has 5 questions.”",
    )
    next_steps = LimitedTextField(
        label="What happens next",
        name="What happens next",
        limit=PART_LIMIT,
        rows=4,
        required=True,
        help_text="For example: “We will ask families again in March.”",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"Enter {field.label.lower()}"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            ("approve", "Approve it: it goes on the public page"),
            ("send_back", "Send it back for changes"),
        ],
        error_messages={"required": "Choose whether to approve it or send it back"},
    )
    note = LimitedTextField(
        label="What needs to change (if you send it back)",
        name="What needs to change",
        limit=2_000,
        rows=3,
        help_text="The writer sees this. It is never shown on the public page.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "send_back" and not (data.get("note") or "").strip():
            self.add_error("note", "Say what needs to change")
        return data


class PublicPageSettingsForm(GDSForm):
    submit_label = "Save settings"

    show_ratings = forms.BooleanField(
        label="Show each audit’s overall outcome and the level of participation reached "
        "on the public page",
        required=False,
    )
