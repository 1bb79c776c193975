"""Forms of the family check: inviting families, their ratings, and the agreed level."""

from django import forms

from partnership import text
from partnership.text import LimitedTextField


class FamilyInviteForm(forms.Form):
    members = forms.MultipleChoiceField(
        label="Family partners in the partnership",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    email = forms.EmailField(
        label="Or invite someone by email",
        required=False,
        help_text="A parent carer or young person who has no account yet. They get an email "
        "with a link to join the partnership as a family partner and rate this audit.",
    )
    full_name = forms.CharField(label="Their name (optional)", max_length=150, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(m.pk): m for m in candidates}
        self.fields["members"].choices = [(str(m.pk), m.user.get_full_name()) for m in candidates]
        if not candidates:
            self.fields["email"].label = "Invite someone by email"

    def clean(self):
        data = super().clean()
        if not data.get("members") and not data.get("email") and "email" not in self.errors:
            self.add_error(
                "members" if self.candidates else "email",
                "Choose a family partner or enter an email address",
            )
        return data

    def chosen_members(self):
        return [self.candidates[pk] for pk in self.cleaned_data.get("members", [])]


class FamilyRatingForm(forms.Form):
    level = forms.ChoiceField(
        label="Which words fit best?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the words that fit best"},
    )
    comment = LimitedTextField(
        label="Tell us why (optional)",
        name="Your comment",
        limit=text.COMMENT,
        rows=5,
        help_text="What happened for you or your family? What could be better?",
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in levels}
        self.fields["level"].choices = [(str(level.pk), level.name) for level in levels]

    def chosen_level(self):
        return self.levels.get(self.cleaned_data.get("level") or "")


class AgreedLevelForm(forms.Form):
    agreed_level = forms.ChoiceField(
        label="Agreed level",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the agreed level"},
    )
    agreed_note = LimitedTextField(
        label="How was it agreed?",
        name="The note",
        limit=text.COMMENT,
        rows=5,
        required=True,
        help_text="Who talked it through, and why this level.",
        error_messages={"required": "Enter a note on how the level was agreed"},
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in levels}
        self.fields["agreed_level"].choices = [(str(level.pk), level.name) for level in levels]

    def chosen_level(self):
        return self.levels.get(self.cleaned_data.get("agreed_level") or "")
