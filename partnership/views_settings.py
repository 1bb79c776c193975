"""The partnership's own settings, and resetting a member's two-factor authentication."""

from allauth.mfa.models import Authenticator
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.contrib import messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .access import MANAGERS, partnership_view
from .forms import GDSModelForm
from .models import Membership, Partnership, SecurityEvent
from .security import security_event_record

RETENTION_FIELDS = [
    "idle_months",
    "anonymise_months",
    "invitation_days",
    "security_log_months",
    "evidence_file_years",
]


class PartnershipSettingsForm(GDSModelForm):
    submit_label = "Save settings"

    class Meta:
        model = Partnership
        fields = [
            "mfa_required",
            "accept_needs_another_person",
            "contact_email",
            "data_controller",
            *RETENTION_FIELDS,
        ]
        labels = {
            "mfa_required": "Who must use two-factor authentication",
            "accept_needs_another_person": "The person who accepts an audit must not be the "
            "person who submitted it (check and challenge needs a second person)",
        }
        help_texts = {
            "mfa_required": "People who must use it are asked to set it up the next time they "
            "open a page of the partnership, and cannot go on until they have.",
            "idle_months": "A member who has not signed in for this long can no longer sign "
            "in to the partnership (usually 18).",
            "anonymise_months": "Then, if they still have not signed in, their name and email "
            "address are removed; their audits stay, by “a former member” (usually 6).",
            "invitation_days": "Usually 30.",
            "security_log_months": "Usually 24 (two years).",
            "evidence_file_years": "Counted from the date of the audit. The evidence stays "
            "listed, saying the file was removed (usually 6).",
        }
        widgets = {
            "mfa_required": forms.RadioSelect,
            # GOV.UK asks for whole numbers in a text box with a numeric keyboard.
            **{name: forms.TextInput(attrs={"inputmode": "numeric"}) for name in RETENTION_FIELDS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The retention periods under one heading, the words the privacy notice uses.
        for name in RETENTION_FIELDS:
            field = self.fields[name]
            unit = field.label.split()[0].lower()
            limits = {type(v): v.limit_value for v in Partnership._meta.get_field(name).validators}
            low, high = limits[MinValueValidator], limits[MaxValueValidator]
            message = f"Enter a whole number of {unit} from {low} to {high}"
            field.error_messages.update({"required": message, "invalid": message})
            field.validators = [
                MinValueValidator(low, message=message),
                MaxValueValidator(high, message=message),
            ]
        fields = [f for f in self.layout_fields() if f.fields[0] not in RETENTION_FIELDS]
        retention = [
            Field.text(name, label_size=Size.SMALL, field_width=3) for name in RETENTION_FIELDS
        ]
        self.helper.layout = Layout(
            *fields,
            Fieldset(
                HTML(
                    '<p class="govuk-body">The partnership\'s <a class="govuk-link" '
                    f'href="{self.privacy_url}">privacy notice</a> shows these to everyone. '
                    "A job applies them every night.</p>"
                ),
                *retention,
                legend="How long we keep data",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Submit("submit", self.submit_label),
        )

    @property
    def privacy_url(self):
        return reverse("partnership_privacy", kwargs={"slug": self.instance.slug})


def _url(request, name, **kwargs):
    return reverse(f"partnership:{name}", kwargs={"slug": request.partnership.slug, **kwargs})


@partnership_view(MANAGERS)
def partnership_settings(request):
    """Admins: sign-in security, the review rule and how long this partnership keeps data
    (the daily retention job applies these periods; the privacy notice shows them)."""
    form = PartnershipSettingsForm(request.POST or None, instance=request.partnership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The partnership's settings have been saved.")
        return redirect(_url(request, "settings"))
    return render(
        request,
        "partnership/form.html",
        {
            "form": form,
            "title": "Partnership settings",
            "back": _url(request, "home"),
            "links": [
                (
                    reverse("sso:settings", kwargs={"slug": request.partnership.slug}),
                    "Sign-in with council or NHS accounts (Microsoft Entra ID)",
                )
            ],
        },
    )


@partnership_view(MANAGERS)
def person_mfa_reset(request, pk):
    """Admins: remove a member's authenticator app and recovery codes (for a lost phone);
    they set it up again at their next sign-in if the partnership requires it."""
    membership = get_object_or_404(
        Membership.objects.filter(partnership=request.partnership).select_related("user"),
        pk=pk,
    )
    back = _url(request, "person_edit", pk=pk)
    authenticators = Authenticator.objects.filter(user=membership.user)
    if not authenticators.exists():
        messages.info(request, f"{membership.user} does not use two-factor authentication.")
        return redirect(back)
    if request.method == "POST":
        types = sorted(authenticators.values_list("type", flat=True))
        authenticators.delete()
        security_event_record(
            kind=SecurityEvent.Kind.MFA_RESET,
            request=request,
            detail={"member": membership.user.email, "removed": ", ".join(types)},
        )
        messages.success(request, f"Two-factor authentication of {membership.user} has been reset.")
        return redirect(back)
    return render(
        request,
        "partnership/confirm.html",
        {
            "title": f"Reset two-factor authentication of {membership.user}?",
            "consequence": f"{membership.user}'s authenticator app and recovery codes will stop "
            "working straight away. They sign in with their password and set up two-factor "
            "authentication again. Do this only when you are sure who is asking, for example "
            "after they lost their phone.",
            "action": "Yes, reset two-factor authentication",
            "back": back,
        },
    )


@partnership_view(MANAGERS)
def person_erase(request, pk):
    """Admins: erase a person's name and email (their right to erasure), keeping the
    audits they worked on, shown as by "a former member"."""
    from .retention import FORMER_MEMBER, user_anonymise

    membership = get_object_or_404(
        Membership.objects.filter(partnership=request.partnership)
        .exclude(user=request.user)
        .select_related("user"),
        pk=pk,
    )
    back = _url(request, "person_edit", pk=pk)
    user = membership.user
    elsewhere = user.memberships.exclude(partnership=request.partnership).exists()
    if user.full_name == FORMER_MEMBER or elsewhere or user.is_staff:
        messages.warning(
            request,
            f"{user} cannot be erased here: "
            + (
                "they are already erased."
                if user.full_name == FORMER_MEMBER
                else "they also belong to another partnership or run the platform; ask the "
                "platform operator."
            ),
        )
        return redirect(back)
    if request.method == "POST":
        email = user.email
        user_anonymise(user=user)
        security_event_record(
            kind=SecurityEvent.Kind.MEMBER_ERASED,
            request=request,
            detail={"member": f"former member {user.pk}"},
        )
        messages.success(request, f"{email} has been erased. Their audits are kept.")
        return redirect(_url(request, "people_list"))
    return render(
        request,
        "partnership/confirm.html",
        {
            "title": f"Erase {user}?",
            "consequence": f"{user}'s name and email address are removed for good and they "
            "can no longer sign in. The audits, comments and actions they worked on stay, "
            "shown as by “a former member”. This cannot be undone.",
            "action": "Yes, erase this person",
            "back": back,
        },
    )
