"""A person downloads everything the product holds about them, and only that."""

import json

from django.urls import reverse

from audits import services
from partnership.models import Role, SecurityEvent
from tests.factories import ProjectFactory
from tests.factories.audits import start_audit, submitted_audit


def test_a_person_downloads_their_own_data(client_for, area, other_area):
    lead = area.members[Role.SERVICE_LEAD]
    audit = submitted_audit(area)
    start_audit(area, lead, project=ProjectFactory(service=area.service))
    commissioner = area.members[Role.COMMISSIONER]
    services.audit_request_changes(
        audit=audit,
        membership=commissioner,
        by=commissioner.user,
        comments={None: "Please add the minutes."},
    )
    submitted_audit(other_area)  # someone else's, elsewhere

    client = client_for(area, Role.COMMISSIONER)
    response = client.get(reverse("personal_data"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == commissioner.user.email
    assert [m["role"] for m in data["memberships"]] == ["Commissioner"]
    assert [c["text"] for c in data["review_comments"]] == ["Please add the minutes."]
    assert data["audits_started"] == []  # the lead's and the admin's audits are not theirs
    assert SecurityEvent.objects.filter(
        user=commissioner.user, kind=SecurityEvent.Kind.EXPORT_DOWNLOADED
    ).exists()

    lead_data = json.loads(
        client_for(area, Role.SERVICE_LEAD).get(reverse("personal_data")).content
    )
    assert len(lead_data["audits_started"]) == 1
    assert lead_data["review_comments"] == []


def test_signing_in_is_needed(client, db):
    assert client.get(reverse("personal_data")).status_code == 302


def test_an_admin_erases_a_person_and_the_audits_stay(client_for, area, other_area):
    from audits.models import Audit
    from partnership.models import User

    lead = area.members[Role.SERVICE_LEAD]
    audit = submitted_audit(area, lead)
    client = client_for(area, Role.ADMIN)
    url = reverse("partnership:person_erase", args=[area.partnership.slug, lead.pk])
    assert "This cannot be undone" in client.get(url).content.decode()
    client.post(url)
    erased = User.objects.get(pk=lead.user_id)
    assert erased.full_name == "A former member" and not erased.is_active
    assert lead.user.email not in erased.email
    assert Audit.objects.get(pk=audit.pk).created_by_id == erased.pk
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MEMBER_ERASED).count() == 1
    # Someone who also belongs to another partnership is not erased from here.
    from tests.factories import MembershipFactory

    both = MembershipFactory(partnership=area.partnership, role=Role.BOARD_MEMBER)
    MembershipFactory(partnership=other_area.partnership, role=Role.BOARD_MEMBER, user=both.user)
    client.post(reverse("partnership:person_erase", args=[area.partnership.slug, both.pk]))
    assert User.objects.get(pk=both.user_id).full_name != "A former member"
