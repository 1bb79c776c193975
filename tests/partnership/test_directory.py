"""Directory management: bad input gets a message at the field and loses nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import Invitation, Membership, Organisation, Partnership, Role, User
from tests.dates import date_fields
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    OrganisationFactory,
    ProjectFactory,
    ServiceFactory,
    UserFactory,
)


def u(area, name, **kwargs):
    return reverse(f"partnership:{name}", kwargs={"slug": area.partnership.slug, **kwargs})


@pytest.fixture
def admin_client(client_for, area):
    return client_for(area, Role.ADMIN)


def test_duplicate_organisation_name_is_refused_case_insensitively(admin_client, area):
    response = admin_client.post(
        u(area, "organisation_create"),
        {"name": area.organisation.name.upper(), "sector": "health"},
    )
    assert response.status_code == 200
    assert "already exists in this partnership" in response.content.decode()
    assert area.partnership.organisations.count() == 1
    # The typed value is kept so nothing is lost.
    assert area.organisation.name.upper() in response.content.decode()


def test_same_name_is_fine_in_another_partnership(admin_client, area, other_area):
    response = admin_client.post(
        u(area, "organisation_create"),
        {"name": other_area.organisation.name + " York", "sector": "health"},
    )
    assert response.status_code == 302
    response = admin_client.post(
        u(area, "service_create"),
        {"organisation": area.organisation.pk, "name": other_area.service.name.upper()},
    )
    assert response.status_code == 302


def test_organisation_from_another_partnership_cannot_be_chosen(admin_client, area, other_area):
    response = admin_client.post(
        u(area, "service_create"),
        {"organisation": other_area.organisation.pk, "name": "Sneaky"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not other_area.organisation.services.filter(name="Sneaky").exists()


def test_project_dates_and_duplicate_titles(admin_client, area):
    data = {
        "service": area.service.pk,
        "title": area.project.title.lower(),
        "description": "",
        "status": "active",
        **date_fields("start_date", "2025-05-01"),
        **date_fields("end_date", "2025-04-01"),
    }
    html = admin_client.post(u(area, "project_create"), data).content.decode()
    assert "This service already has a project with this title" in html
    assert "The end date must be on or after the start date" in html
    assert "govuk-error-summary" in html
    assert "<title>Error:" in html


def test_deactivation_asks_first_and_keeps_the_record(admin_client, area):
    page = admin_client.get(u(area, "organisation_deactivate", pk=area.organisation.pk))
    assert "Yes, deactivate" in page.content.decode()
    area.organisation.refresh_from_db()
    assert area.organisation.active
    admin_client.post(u(area, "organisation_deactivate", pk=area.organisation.pk))
    area.organisation.refresh_from_db()
    assert not area.organisation.active
    # An inactive organisation is no longer offered for new services.
    form_html = admin_client.get(u(area, "service_create")).content.decode()
    assert f'value="{area.organisation.pk}"' not in form_html


def test_list_filters_and_bad_filter_values(admin_client, area):
    OrganisationFactory(
        partnership=area.partnership, name="Parent Forum", sector="parent_carer_forum"
    )
    html = admin_client.get(u(area, "organisation_list") + "?sector=parent_carer_forum").content
    assert b"Parent Forum" in html and area.organisation.name.encode() not in html
    response = admin_client.get(u(area, "project_list") + "?organisation=abc&service=99999")
    assert response.status_code == 200
    html = response.content.decode()
    assert "was not recognised and has been ignored" in html
    assert area.project.title in html


def test_invitation_is_emailed_and_accepted(
    admin_client, area, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            u(area, "person_invite"),
            {
                "email": "New.Lead@Example.org",
                "role": Role.SERVICE_LEAD,
                "services": [area.service.pk],
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    invitation = Invitation.objects.get(email="new.lead@example.org")
    assert invitation.get_absolute_url() in mail.outbox[0].body
    admin_client.logout()

    accept = reverse("invitation_accept", args=[invitation.token])
    response = client.post(
        accept, {"full_name": "New Lead", "password1": "short", "password2": "short"}
    )
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="new.lead@example.org").exists()
    response = client.post(
        accept, {"full_name": "New Lead", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new.lead@example.org")
    assert membership.role == Role.SERVICE_LEAD
    assert list(membership.services.all()) == [area.service]
    # The link works once.
    client.logout()
    again = client.get(accept)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_expired_and_revoked_invitations_say_what_to_do(client, area):
    expired = InvitationFactory(
        partnership=area.partnership, expires_at=timezone.now() - timedelta(days=1)
    )
    html = client.get(reverse("invitation_accept", args=[expired.token])).content.decode()
    assert "expired" in html and "send you a new invitation" in html
    revoked = InvitationFactory(partnership=area.partnership, revoked_at=timezone.now())
    html = client.get(reverse("invitation_accept", args=[revoked.token])).content.decode()
    assert "withdrawn" in html


def test_existing_account_signs_in_then_accepts(client, area, other_area):
    person = other_area.members[Role.COMMISSIONER].user
    invitation = InvitationFactory(partnership=area.partnership, email=person.email)
    accept = reverse("invitation_accept", args=[invitation.token])
    assert "Sign in to accept" in client.get(accept).content.decode()
    client.force_login(person)
    assert client.post(accept).status_code == 302
    assert Membership.objects.filter(user=person, partnership=area.partnership).exists()


def test_invitation_for_an_existing_member_is_refused(admin_client, area):
    member = area.members[Role.BOARD_MEMBER].user
    html = admin_client.post(
        u(area, "person_invite"), {"email": member.email.upper(), "role": Role.COMMISSIONER}
    ).content.decode()
    assert "already a member of this partnership" in html
    html = admin_client.post(
        u(area, "person_invite"), {"email": area.invitation.email, "role": Role.COMMISSIONER}
    ).content.decode()
    assert "already been sent" in html
    html = admin_client.post(
        u(area, "person_invite"), {"email": "x@example.org", "role": Role.SERVICE_LEAD}
    ).content.decode()
    assert "Choose at least one service for a service lead" in html


def test_deactivated_member_loses_access_at_once(client, area, client_for):
    lead = area.members[Role.SERVICE_LEAD]
    lead_client = client_for(area, Role.SERVICE_LEAD)
    assert lead_client.get(u(area, "home")).status_code == 200
    lead.active = False
    lead.save()
    assert lead_client.get(u(area, "home")).status_code == 404
    assert lead_client.get(u(area, "project_detail", pk=area.project.pk)).status_code == 404


def test_chooser_goes_straight_through_or_lists(client, area, other_area):
    person = UserFactory()
    client.force_login(person)
    assert "not a member of any partnership" in client.get(reverse("chooser")).content.decode()
    Membership.objects.create(user=person, partnership=area.partnership, role=Role.BOARD_MEMBER)
    assert client.get(reverse("chooser")).url == u(area, "home")
    Membership.objects.create(user=person, partnership=other_area.partnership, role=Role.ADMIN)
    html = client.get(reverse("chooser")).content.decode()
    assert area.partnership.name in html and other_area.partnership.name in html


@pytest.mark.parametrize("slug", ["York", "york_", "-york", "a b", "admin", "accounts", "api"])
def test_bad_or_reserved_slugs_are_refused(db, slug):
    partnership = Partnership(name="Somewhere", slug=slug, local_area="Somewhere")
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert "slug" in error.value.message_dict


def test_taken_slug_is_refused(area):
    partnership = Partnership(name="Another", slug=area.partnership.slug, local_area="X")
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert "already exists" in str(error.value)


def test_lists_stay_within_a_fixed_number_of_queries(
    admin_client, area, django_assert_max_num_queries
):
    for _ in range(50):
        organisation = OrganisationFactory(partnership=area.partnership)
        service = ServiceFactory(organisation=organisation)
        ProjectFactory(service=service)
        member = Membership.objects.create(
            user=UserFactory(), partnership=area.partnership, role=Role.SERVICE_LEAD
        )
        member.services.set([service])
        InvitationFactory(partnership=area.partnership)
    for name in (
        "home",
        "organisation_list",
        "service_list",
        "project_list",
        "people_list",
        "person_invite",
    ):
        # The home page also lists what needs the admin's attention (a few queries more);
        # every page's header counts the person's unread notifications.
        with django_assert_max_num_queries(21 if name == "home" else 17):
            assert admin_client.get(u(area, name)).status_code == 200
    assert Organisation.objects.filter(partnership=area.partnership).count() == 51


def test_withdrawing_an_invitation_asks_first(admin_client, area):
    url = u(area, "invitation_revoke", pk=area.invitation.pk)
    html = admin_client.get(url).content.decode()
    assert f"Withdraw the invitation to {area.invitation.email}?" in html
    assert "cannot be turned back on" in html
    area.invitation.refresh_from_db()
    assert area.invitation.state == "pending"
    assert admin_client.post(url).status_code == 302
    area.invitation.refresh_from_db()
    assert area.invitation.state == "revoked"
