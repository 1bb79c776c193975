from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from . import text
from .dates import GovukDateField, GovukDateInput
from .models import Invitation, Membership, Organisation, Project, Role, Sector, Service
from .participation import (
    CYCLE_DEFINITIONS,
    FAMILY_STAGE_FIELDS,
    LADDER_DEFINITIONS,
    CycleStage,
    LadderLevel,
)
from .text import LimitedTextField


class GDSForm(forms.Form):
    """Every form renders with the GOV.UK layout; subclasses list their fields."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def limit_free_text(self):
        """Give every multi-line text box a limit people can see (partnership/text.py)."""
        for name, field in list(self.fields.items()):
            if isinstance(field.widget, forms.Textarea) and not isinstance(field, LimitedTextField):
                self.fields[name] = LimitedTextField(
                    label=field.label,
                    limit=text.DESCRIPTION,
                    required=field.required,
                    help_text=field.help_text,
                    rows=4,
                )

    def layout_fields(self):
        self.limit_free_text()
        return [
            Field(name, template="components/crispy_date.html")
            if isinstance(f.widget, GovukDateInput)
            else Field.checkbox(name)
            if isinstance(f.widget, forms.CheckboxInput)
            else Field.checkboxes(name, legend_size=Size.SMALL)
            if isinstance(f.widget, forms.CheckboxSelectMultiple)
            else Field.radios(name, legend_size=Size.SMALL)
            if isinstance(f.widget, forms.RadioSelect)
            else Field.textarea(
                name, label_size=Size.SMALL, rows=4, max_characters=getattr(f, "limit", None)
            )
            if isinstance(f.widget, forms.Textarea)
            else Field.select(name, label_size=Size.SMALL)
            if isinstance(f.widget, forms.Select)
            else Field.text(name, label_size=Size.SMALL)
            for name, f in self.fields.items()
        ]


class GDSModelForm(forms.ModelForm, GDSForm):
    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))


class TenantModelForm(GDSModelForm):
    """A form for an object of one partnership: choices come only from that partnership."""

    def __init__(self, *args, partnership, **kwargs):
        self.partnership = partnership
        super().__init__(*args, **kwargs)

    def unique_name_error(self, queryset, field, value, message):
        clash = queryset.filter(**{f"{field}__iexact": value})
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            self.add_error(field, message)


class OrganisationForm(TenantModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "sector", "active"]
        labels = {"name": "Organisation name", "active": "Active (can be chosen for new services)"}
        widgets = {"sector": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["active"]
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def clean(self):
        data = super().clean()
        if data.get("name"):
            self.unique_name_error(
                Organisation.objects.for_partnership(self.partnership),
                "name",
                data["name"],
                "An organisation with this name already exists in this partnership",
            )
        return data

    def save(self, commit=True):
        self.instance.partnership = self.partnership
        return super().save(commit)


class ServiceForm(TenantModelForm):
    class Meta:
        model = Service
        fields = ["organisation", "name", "description", "active"]
        labels = {"name": "Service name", "active": "Active (can be chosen for new projects)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.for_partnership(self.partnership)
        if self.instance.pk:
            orgs = orgs.filter(active=True) | orgs.filter(pk=self.instance.organisation_id)
        else:
            orgs = orgs.filter(active=True)
            del self.fields["active"]
        self.fields["organisation"].queryset = orgs
        self.fields["organisation"].empty_label = "Choose an organisation"
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def clean(self):
        data = super().clean()
        if data.get("name") and data.get("organisation"):
            self.unique_name_error(
                Service.objects.filter(organisation=data["organisation"]),
                "name",
                data["name"],
                "This organisation already has a service with this name",
            )
        return data


def ladder_choices():
    """The ladder's rungs as radios, each with West Sussex's definition as its hint."""
    return [
        Choice(level.value, level.label, hint=LADDER_DEFINITIONS[level]) for level in LadderLevel
    ]


class ProjectForm(TenantModelForm):
    start_date = GovukDateField(label="Start date")
    end_date = GovukDateField(
        label="End date", required=False, help_text="Leave empty if the project is ongoing."
    )
    ladder_aim = forms.ChoiceField(
        label="Level of participation the project aims for",
        help_text="West Sussex’s ladder of participation. Each audit records the level reached.",
        widget=forms.RadioSelect,
        required=False,
    )
    cycle_stage = forms.ChoiceField(
        label="Stage of the joint commissioning cycle the project is at",
        help_text="North Yorkshire’s joint commissioning cycle.",
        widget=forms.RadioSelect,
        required=False,
    )
    family_stages = forms.MultipleChoiceField(
        label="Stages at which families were involved",
        help_text="Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
        choices=CycleStage.choices,
        required=False,
    )

    class Meta:
        model = Project
        fields = [
            "service",
            "title",
            "description",
            "status",
            "start_date",
            "end_date",
            "ladder_aim",
            "cycle_stage",
            "active",
        ]
        labels = {
            "title": "Project title",
            "description": "Description of service area being developed in Joint Partnership",
            "active": "Active (shown in lists and open to audit)",
        }
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        services = Service.objects.for_partnership(self.partnership).select_related("organisation")
        if self.instance.pk:
            services = services.filter(active=True) | services.filter(pk=self.instance.service_id)
        else:
            services = services.filter(active=True)
            del self.fields["active"]
        self.fields["service"].queryset = services.order_by("organisation__name", "name")
        self.fields["service"].label_from_instance = lambda s: f"{s.organisation.name}: {s.name}"
        self.fields["service"].empty_label = "Choose a service"
        self.fields["ladder_aim"].choices = ladder_choices()
        self.fields["cycle_stage"].choices = [
            Choice(stage.value, stage.label, hint=CYCLE_DEFINITIONS[stage]) for stage in CycleStage
        ]
        # The checkboxes sit just after the stage, before "active".
        self.fields["family_stages"] = self.fields.pop("family_stages")
        if "active" in self.fields:
            self.fields["active"] = self.fields.pop("active")
        self.fields["family_stages"].initial = [
            stage.value for stage in self.instance.family_stages
        ]
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    def save(self, commit=True):
        chosen = set(self.cleaned_data.get("family_stages") or ())
        for stage, name in FAMILY_STAGE_FIELDS.items():
            setattr(self.instance, name, stage.value in chosen)
        return super().save(commit)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date")
        if data.get("title") and data.get("service"):
            self.unique_name_error(
                Project.objects.filter(service=data["service"]),
                "title",
                data["title"],
                "This service already has a project with this title",
            )
        return data


def service_choices(partnership):
    return (
        Service.objects.for_partnership(partnership)
        .active()
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


class ServicesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.organisation.name}: {obj.name}"


class InvitationForm(GDSForm):
    submit_label = "Send invitation"

    email = forms.EmailField(label="Email address")
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, widget=forms.RadioSelect)
    services = ServicesField(
        queryset=Service.objects.none(),
        required=False,
        help_text="Service leads see and audit the projects of these services.",
    )

    def __init__(self, *args, partnership, **kwargs):
        self.partnership = partnership
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = service_choices(partnership)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(partnership=self.partnership, user__email__iexact=email):
            raise ValidationError("This person is already a member of this partnership")
        if Invitation.objects.filter(partnership=self.partnership, email__iexact=email).pending():
            raise ValidationError(
                "An invitation has already been sent to this address; revoke it to send another"
            )
        return email

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.SERVICE_LEAD and not data.get("services"):
            self.add_error("services", "Choose at least one service for a service lead")
        return data


class MembershipForm(GDSForm):
    submit_label = "Save changes"

    role = forms.ChoiceField(choices=Role.choices, widget=forms.RadioSelect)
    services = ServicesField(queryset=Service.objects.none(), required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = service_choices(partnership)

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.SERVICE_LEAD and not data.get("services"):
            self.add_error("services", "Choose at least one service for a service lead")
        return data


class AcceptInvitationForm(GDSForm):
    """For someone with no account yet: they choose a name and password."""

    submit_label = "Create account and join"

    full_name = forms.CharField(label="Full name", max_length=150)
    password1 = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Avoid common words and all-number passwords.",
    )
    password2 = forms.CharField(
        label="Confirm password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.contrib.auth import password_validation

        from .models import User

        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match")
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=data.get("full_name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class DirectoryFilterForm(forms.Form):
    """Filters for the directory lists; invalid values are ignored with a message."""

    q = forms.CharField(label="Name contains", required=False)
    sector = forms.ChoiceField(
        choices=[("", "All sectors"), *Sector.choices], required=False, label="Sector"
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All organisations"
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, empty_label="All services"
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Project.Status.choices], required=False
    )
    active = forms.ChoiceField(
        choices=[("", "Active and inactive"), ("yes", "Active only"), ("no", "Inactive only")],
        required=False,
        label="Active",
    )

    def __init__(self, *args, partnership, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.for_partnership(partnership)
        self.fields["service"].queryset = Service.objects.for_partnership(partnership)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "govuk-input" if isinstance(field.widget, forms.TextInput) else "govuk-select"
            )

    def filters(self):
        """The valid filters, plus a message for each one that was ignored."""
        self.is_valid()
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        ignored = [self.fields[name].label or name.title() for name in self.errors]
        return {k: v for k, v in values.items() if v}, ignored
