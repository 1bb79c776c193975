from datetime import timedelta

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from partnership import text
from partnership.dates import GovukDateField
from partnership.participation import LADDER_DEFINITIONS, LadderLevel
from partnership.text import LimitedTextField

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What a file's content must turn out to be, whatever its name says.
ALLOWED_TYPES = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "xls": "Excel",
    "xlsx": "Excel",
    "ppt": "PowerPoint",
    "pptx": "PowerPoint",
    "png": "PNG image",
    "jpg": "JPEG image",
}
ALLOWED_DESCRIPTION = "PDF, Word, Excel, PowerPoint, PNG or JPEG"


def check_upload(upload):
    """Return (extension, mime type) of an allowed file, judged by its content."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; files must be 10 MB or smaller."
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in ALLOWED_TYPES:
        if kind is None:
            found = "not a file type we accept"
        else:
            article = "an" if kind.extension.upper()[0] in "AEFHILMNORSX" else "a"
            found = f"{article} {kind.extension.upper()} file"
        raise ValidationError(f"“{upload.name}” is {found}. Upload a {ALLOWED_DESCRIPTION} file.")
    return kind.extension, kind.mime


class DetailsForm(forms.Form):
    audit_date = GovukDateField(label="Date of audit")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_audit_date(self):
        value = self.cleaned_data["audit_date"]
        if value > timezone.localdate():
            raise ValidationError("The date of the audit must be today or in the past")
        return value


class PersonForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150, required=False)
    designation = forms.CharField(label="Designation", max_length=150, required=False)

    def clean(self):
        data = super().clean()
        name, designation = data.get("name", "").strip(), data.get("designation", "").strip()
        if name and not designation:
            self.add_error("designation", "Enter the designation of this person")
        if designation and not name:
            self.add_error("name", "Enter the name of this person")
        return data


PeopleFormSet = forms.formset_factory(PersonForm, extra=0, max_num=20)


class PrincipleForm(forms.Form):
    level = forms.ChoiceField(label="Score", widget=forms.RadioSelect, required=False)
    notes = LimitedTextField(
        label="Notes or evidence",
        limit=text.NOTES,
        rows=8,
        help_text="What was done, with whom, and what changed because of it.",
    )
    evidence_file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text=f"{ALLOWED_DESCRIPTION}, up to 10 MB.",
    )
    evidence_file_title = forms.CharField(label="Title of the file", max_length=200, required=False)
    evidence_url = forms.URLField(
        label="Or add a link", required=False, max_length=500, assume_scheme="https"
    )
    evidence_url_title = forms.CharField(label="Title of the link", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, principle, levels, descriptors, comments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.principle = principle
        # One answer box for each open review comment on this principle.
        self.response_names = []
        for comment in comments:
            name = f"response_{comment.pk}"
            self.fields[name] = LimitedTextField(
                label="Your response to the reviewer’s comment (optional)",
                name="Your response",
                limit=text.COMMENT,
                rows=3,
                initial=comment.response,
                help_text=f"“{comment.text[:120]}{'…' if len(comment.text) > 120 else ''}”",
            )
            self.response_names.append((comment.pk, name))
        self.levels = {str(level.pk): level for level in levels}
        self.fields["level"].choices = [
            (
                str(level.pk),
                format_html("<strong>{}</strong>: {}", level.name, descriptors.get(level.pk, "")),
            )
            for level in levels
        ]
        self.file_kind = None

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            self.file_kind = check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("evidence_file") and not data.get("evidence_file_title", "").strip():
            data["evidence_file_title"] = data["evidence_file"].name[:200]
        if data.get("evidence_url") and not data.get("evidence_url_title", "").strip():
            self.add_error("evidence_url_title", "Enter a title for the link")
        if data.get("evidence_url_title") and not data.get("evidence_url"):
            if "evidence_url" not in self.errors:
                self.add_error("evidence_url", "Enter the address of the link, starting https://")
        return data

    def responses(self):
        return {pk: self.cleaned_data.get(name, "").strip() for pk, name in self.response_names}

    def response_fields(self):
        return [self[name] for _, name in self.response_names]

    def chosen_level(self):
        return self.levels.get(self.cleaned_data.get("level") or "")


class SummaryForm(forms.Form):
    ladder_reached = forms.ChoiceField(
        label="Level of participation reached",
        help_text="West Sussex’s ladder of participation: how far families took part in this "
        "project. Compare it with the level the project aims for.",
        widget=forms.RadioSelect,
        required=False,
        choices=[
            (
                level.value,
                format_html("<strong>{}</strong>: {}", level.label, LADDER_DEFINITIONS[level]),
            )
            for level in LadderLevel
        ],
    )
    outcome = forms.ChoiceField(label="Overall outcome", widget=forms.RadioSelect, required=False)
    summary = LimitedTextField(label="Summary", limit=text.SUMMARY, rows=6)
    review_date = GovukDateField(
        label="Review date",
        required=False,
        help_text="When the project will next be audited. Services aim to develop at least one "
        "service a year in joint partnership.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {str(o.pk): o for o in outcomes}
        self.fields["outcome"].choices = [(str(o.pk), o.name) for o in outcomes]

    def clean_review_date(self):
        value = self.cleaned_data.get("review_date")
        if value and value <= timezone.localdate():
            raise ValidationError("The review date must be in the future")
        return value

    def chosen_outcome(self):
        return self.outcomes.get(self.cleaned_data.get("outcome") or "")


def default_review_date(audit_date):
    """Twelve months after the audit: services develop at least one service a year."""
    base = audit_date or timezone.localdate()
    try:
        return base.replace(year=base.year + 1)
    except ValueError:  # 29 February
        return base + timedelta(days=365)


class ActionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    what = LimitedTextField(label="What", name="The action", limit=text.ACTION, rows=2)
    who = forms.CharField(label="Who", max_length=150, required=False)
    owner = forms.ChoiceField(label="Or a person in the partnership", required=False)
    due_date = GovukDateField(label="By when", required=False)
    done = forms.BooleanField(label="Done", required=False)

    def __init__(self, *args, audit_date=None, carried_dates=None, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.audit_date = audit_date
        # A carried-forward action keeps the date it was given in the earlier audit.
        self.carried_dates = carried_dates or {}
        self.people = {str(m.pk): m for m in people}
        self.fields["owner"].choices = [("", "Nobody chosen: use the name typed")] + [
            (key, m.user.get_full_name()) for key, m in self.people.items()
        ]

    def clean_due_date(self):
        value = self.cleaned_data.get("due_date")
        if self.carried_dates.get(self.cleaned_data.get("id")) == value:
            return value
        if value and self.audit_date and value < self.audit_date:
            raise ValidationError(
                f"The date must be on or after the date of the audit, {self.audit_date:%-d %B %Y}"
            )
        return value

    def clean(self):
        data = super().clean()
        data["owner"] = self.people.get(data.get("owner") or "")
        if data["owner"] is not None:
            # A person chosen from the partnership: their name is the "who".
            data["who"] = data["owner"].user.get_full_name()
        filled = [bool(data.get(k)) for k in ("what", "who", "due_date")]
        if any(filled) and not all(filled):
            for key, label in (
                ("what", "what will be done"),
                ("who", "who will do it, or choose a person"),
                ("due_date", "by when"),
            ):
                if not data.get(key) and key not in self.errors:
                    self.add_error(key, f"Enter {label}")
        return data

    @property
    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) for k in ("what", "who", "due_date"))


ActionFormSet = forms.formset_factory(ActionForm, extra=0, max_num=50)


class SignatureForm(forms.Form):
    signed_name = forms.CharField(label="Full name", max_length=150)
    signed_designation = forms.CharField(label="Designation", max_length=150)
    confirmed = forms.BooleanField(
        label="I confirm that this is an accurate record of the joint partnership work",
        error_messages={"required": "Confirm that this is an accurate record"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_name"].error_messages["required"] = "Enter your full name"
        self.fields["signed_designation"].error_messages["required"] = "Enter your designation"


class ReviewForm(forms.Form):
    """One comment box per principle, and one for the audit overall."""

    def __init__(self, *args, principles, **kwargs):
        super().__init__(*args, **kwargs)
        self.principles = list(principles)
        for principle in self.principles:
            self.fields[f"comment_{principle.number}"] = LimitedTextField(
                label=f"Comment on principle {principle.number}", limit=text.COMMENT, rows=3
            )
        self.fields["comment_overall"] = LimitedTextField(
            label="Comment on the audit overall", limit=text.COMMENT, rows=4
        )

    def comments(self):
        by_principle = {
            p: self.cleaned_data.get(f"comment_{p.number}", "") for p in self.principles
        }
        by_principle[None] = self.cleaned_data.get("comment_overall", "")
        return by_principle


class ActionUpdateForm(forms.Form):
    """Progress on one action: status, a dated note, the date done and who owns it."""

    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status of the action"},
    )
    note = forms.CharField(
        label="Progress note",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What has happened, and any evidence of achievement.",
    )
    done_on = GovukDateField(
        label="Date done",
        required=False,
        help_text="Only for a done action. Leave empty for today.",
    )
    owner = forms.ChoiceField(label="Who is responsible", required=False)
    who = forms.CharField(
        label="Or type a name",
        max_length=150,
        required=False,
        help_text="For someone who is not a member of the partnership.",
    )

    def __init__(self, *args, people, action, **kwargs):
        from .models import Action

        super().__init__(*args, **kwargs)
        self.action = action
        self.people = {str(m.pk): m for m in people}
        self.fields["status"].choices = Action.Status.choices
        self.fields["owner"].choices = [("", "Nobody in the partnership: use the typed name")] + [
            (key, f"{m.user.get_full_name()} ({m.get_role_display()})")
            for key, m in self.people.items()
        ]

    def clean_done_on(self):
        value = self.cleaned_data.get("done_on")
        if value and value > timezone.localdate():
            raise ValidationError("The date done must be today or in the past")
        audit_date = self.action.audit.audit_date
        if value and audit_date and value < audit_date:
            raise ValidationError(
                f"The date done must be on or after the date of the audit, {audit_date:%-d %B %Y}"
            )
        return value

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("who") or "").strip():
            self.add_error("who", "Choose a person responsible, or type a name")
        return data

    def chosen_owner(self):
        return self.people.get(self.cleaned_data.get("owner") or "")
