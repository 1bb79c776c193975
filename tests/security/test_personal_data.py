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
