from datetime import timedelta

from django import forms
from django.utils import timezone

from partnership.forms import GDSForm, ServicesField, service_choices
from partnership.models import Role, Service

from .models import PartnershipAPIKey

EXPIRY_CHOICES = [
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("180", "In 6 months"),
    ("365", "In a year"),
]


class APIKeyForm(GDSForm):
    submit_label = "Make the key"

    name = forms.CharField(
        label="Name of the key",
        max_length=50,
        help_text="Say what uses it, for example “Power BI SEND dashboard”.",
    )
    access = forms.ChoiceField(
        label="What may it do?",
        choices=PartnershipAPIKey.Access.choices,
        widget=forms.RadioSelect,
        initial=PartnershipAPIKey.Access.READ,
        help_text="Writing means changing organisations, services and projects, "
        "and only with the partnership admin role.",
    )
    role = forms.ChoiceField(
        label="Role the key acts with",
        choices=Role.choices,
        widget=forms.RadioSelect,
        initial=Role.BOARD_MEMBER,
        help_text="The key sees exactly what a person with this role sees.",
    )
    services = ServicesField(
        queryset=Service.objects.none(),
        required=False,
        label="Services (for the service lead role)",
        widget=forms.CheckboxSelectMultiple,
    )
    expires = forms.ChoiceField(
        label="When does it stop working?", choices=EXPIRY_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = service_choices(partnership)

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.SERVICE_LEAD and not data.get("services"):
            self.add_error("services", "Choose the services a service lead key covers")
        return data

    @property
    def expires_at(self):
        return timezone.now() + timedelta(days=int(self.cleaned_data["expires"]))
