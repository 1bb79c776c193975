"""Whoever submitted an audit may not also accept it, unless the partnership says so."""

import pytest
from django.urls import reverse

from audits import services
from audits.models import Audit
from partnership.models import Role
from tests.factories.audits import submitted_audit


def submitted_by(area, role):
    return submitted_audit(area, area.members[role])


def test_an_admin_cannot_accept_their_own_audit(area):
    admin = area.members[Role.ADMIN]
    audit = submitted_by(area, Role.ADMIN)
    with pytest.raises(services.AuditError, match="someone else must accept it"):
        services.audit_accept(audit=audit, membership=admin, by=admin.user)
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.SUBMITTED
    # Returning it, or another person accepting it, is still possible.
    commissioner = area.members[Role.COMMISSIONER]
    services.audit_accept(audit=audit, membership=commissioner, by=commissioner.user)
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.ACCEPTED


def test_the_review_page_says_why_and_offers_no_accept_button(client_for, area):
    audit = submitted_by(area, Role.ADMIN)
    client = client_for(area, Role.ADMIN)
    url = reverse("audits:review", kwargs={"slug": area.partnership.slug, "pk": audit.pk})
    html = client.get(url).content.decode()
    assert "someone else must accept it" in html
    assert 'value="accept"' not in html
    response = client.post(url, {"decision": "accept"})
    assert "someone else must accept it" in response.content.decode()
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.SUBMITTED


def test_a_partnership_may_allow_one_person_to_do_both(area):
    area.partnership.accept_needs_another_person = False
    area.partnership.save()
    admin = area.members[Role.ADMIN]
    audit = submitted_by(area, Role.ADMIN)
    services.audit_accept(audit=audit, membership=admin, by=admin.user)
    assert Audit.objects.get(pk=audit.pk).status == Audit.Status.ACCEPTED
