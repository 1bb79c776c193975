"""An admin makes and revokes an API key, and loads the directory from a spreadsheet,
in the browser, with axe (and the 320 px check) on every page state."""

import re

import pytest
from playwright.sync_api import expect

from partnership.models import Organisation, Role
from tests.conftest import make_area
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = "Name,Sector\n"


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_admin_makes_a_key_and_loads_the_directory(new_page, axe, tmp_path):
    area = make_area("york")
    page = new_page()
    sign_in(page, area.members[Role.ADMIN].user.email)
    page.wait_for_url(re.compile(r"/york/$"))

    # API keys: the empty list, the form with an error, the key shown once, revoking.
    page.get_by_role("link", name="API keys").first.click()
    expect(page.get_by_role("heading", name="API keys", level=1)).to_be_visible()
    axe(page, "API keys, none yet")
    page.goto("/york/api-keys/new/")
    page.get_by_role("button", name="Make the key").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page, "new API key with errors")
    page.get_by_label("Name of the key").fill("Nightly Power BI sync")
    page.get_by_label("Read only").check()
    page.get_by_label("Commissioner", exact=True).check()
    page.get_by_label("In 90 days").check()
    page.get_by_role("button", name="Make the key").click()
    expect(page.get_by_role("heading", name="API key made")).to_be_visible()
    axe(page, "API key shown once")
    page.goto("/york/api-keys/")
    expect(page.get_by_role("cell", name="Nightly Power BI sync", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("Revoke")).first.click()
    axe(page, "revoke confirmation")

    # The directory import: a file with a problem, then a good one, then the result.
    page.goto("/york/import/")
    expect(
        page.get_by_role("heading", name="Load the directory from a spreadsheet")
    ).to_be_visible()
    axe(page, "directory import")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADERS + "Trust for Testing,NHS\n")
    page.get_by_label("Upload the filled-in template").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Problems in the file")).to_be_visible()
    expect(page.get_by_text(re.compile("Sector"))).not_to_have_count(0)
    axe(page, "import preview with problems")
    assert not Organisation.objects.filter(name="Trust for Testing").exists()

    good = tmp_path / "good.csv"
    good.write_text(HEADERS + "Trust for Testing,Health\nForum for Families,Parent carer forum\n")
    page.goto("/york/import/")
    page.get_by_label("Upload the filled-in template").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("button", name="Save all of these")).to_be_visible()
    axe(page, "import preview")
    page.get_by_role("button", name="Save all of these").click()
    expect(page.get_by_role("heading", name="Directory loaded")).to_be_visible()
    axe(page, "import done")
    assert set(
        Organisation.objects.filter(partnership=area.partnership).values_list("name", flat=True)
    ) >= {"Trust for Testing", "Forum for Families"}
