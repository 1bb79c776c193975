"""An admin sets how long the partnership keeps data; everyone reads it on the privacy
notice; an audit whose evidence file was removed says so. axe and 320 px on each."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import Audit, Evidence
from partnership.models import Role
from partnership.retention import retention_run
from tests.conftest import make_area
from tests.factories import PASSWORD
from tests.factories.audits import accepted_audit

pytestmark = pytest.mark.django_db(transaction=True)


def test_retention_settings_privacy_notice_and_a_removed_file(new_page, axe):
    area = make_area("york")
    audit = accepted_audit(area)
    Audit.objects.filter(pk=audit.pk).update(
        audit_date=(timezone.now() - timedelta(days=7 * 366)).date()
    )
    evidence = Evidence(
        audit=audit,
        assessment=audit.assessments.get(principle__number=1),
        kind=Evidence.Kind.FILE,
        title="Workshop notes",
        extension="pdf",
        content_type="application/pdf",
    )
    evidence.file.save("notes.pdf", ContentFile(b"%PDF-1.4"), save=True)
    retention_run()

    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(area.members[Role.ADMIN].user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/york/$"))

    page.goto("/york/settings/")
    expect(page.get_by_role("heading", name="How long we keep data")).to_be_visible()
    axe(page, "settings with retention periods")
    page.get_by_label("Years after an audit before its evidence files are removed").fill("0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page, "settings with a retention error")
    page.get_by_label("Years after an audit before its evidence files are removed").fill("8")
    page.get_by_label("Months the security log is kept").fill("36")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The partnership's settings have been saved.")).to_be_visible()

    page.get_by_role("link", name="Privacy notice", exact=True).click()
    expect(page.get_by_role("heading", name="How long we keep data")).to_be_visible()
    expect(page.get_by_text("Security log entries are kept for 36 months.")).to_be_visible()
    expect(page.get_by_text("removed 8 years after the date of the audit")).to_be_visible()
    axe(page, "privacy notice with the partnership's periods")

    page.goto(f"/york/audits/{audit.pk}/view/")
    expect(page.get_by_text("Workshop notes (file removed on")).to_be_visible()
    axe(page, "audit with a removed evidence file")
