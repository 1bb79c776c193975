"""Sign-in with a council or NHS account in Chromium: the admin sets it up against a real
OpenID Connect provider (tests/oidc_provider/), and a member signs in through it; axe
and the 320 px check on every state of both pages."""

import re

import pytest
from playwright.sync_api import expect

from partnership.models import Role
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_area
from tests.factories import PASSWORD
from tests.oidc_provider.launch import CLIENT_ID, CLIENT_SECRET, running_provider

pytestmark = pytest.mark.django_db(transaction=True)
PROVIDER_PASSWORD = "provider-password-1"  # noqa: S105


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"council-sign-in-{name}.png"), full_page=True)


def test_an_admin_sets_it_up_and_a_member_signs_in_with_it(new_page, axe, live_server):
    area = make_area("york")
    callback = f"{live_server.url}/accounts/oidc/york/login/callback/"
    people = [
        {"email": "commissioner@york.example", "password": PROVIDER_PASSWORD, "name": "Cal"},
        {"email": "stranger@york.example", "password": PROVIDER_PASSWORD, "name": "Sam"},
    ]
    with running_provider(people=people, redirect_uris=[callback]) as issuer:
        admin = new_page()
        admin.goto("/accounts/login/")
        expect(admin.get_by_text("Sign in with your council or NHS account")).to_have_count(0)
        admin.get_by_label("Email").fill(area.members[Role.ADMIN].user.email)
        admin.get_by_label("Password", exact=True).fill(PASSWORD)
        admin.get_by_role("button", name="Sign in").click()
        admin.wait_for_url(re.compile(r"/york/$"))
        admin.goto("/york/settings/")
        admin.get_by_role("link", name=re.compile("Sign-in with council or NHS accounts")).click()
        expect(admin.get_by_role("heading", level=1)).to_have_text(
            "Sign-in with council or NHS accounts"
        )
        expect(admin.get_by_text(callback)).to_be_visible()
        axe(admin, "council sign-in settings, empty")
        shot(admin, "settings-empty")

        admin.get_by_label("Another OpenID Connect provider").check()
        admin.get_by_label("Application (client) ID").fill(CLIENT_ID)
        admin.get_by_label("Email domains it covers").fill("york.example")
        admin.get_by_role("button", name="Save sign-in settings").click()
        expect(admin.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(admin.get_by_role("link", name="Enter the issuer URL")).to_be_visible()
        axe(admin, "council sign-in settings, errors")
        shot(admin, "settings-errors")

        admin.get_by_label("Issuer URL").fill(issuer)
        admin.get_by_label("Client secret").fill(CLIENT_SECRET)
        admin.get_by_role("button", name="Save sign-in settings").click()
        expect(admin.get_by_text("The sign-in settings have been saved.")).to_be_visible()
        expect(admin.get_by_text("A secret is saved")).to_be_visible()
        expect(admin.get_by_label("Client secret")).to_have_value("")
        axe(admin, "council sign-in settings, saved")
        shot(admin, "settings-saved")

        member = new_page()
        # Two servers on a shared machine: the provider's pages may be slow to come.
        member.set_default_timeout(60_000)
        member.goto("/accounts/login/")
        axe(member, "sign-in page with the council button")
        shot(member, "sign-in-page")
        member.get_by_role("button", name="Sign in with your council or NHS account").click()
        expect(member.get_by_role("heading", level=1)).to_have_text(
            "Sign in with your council or NHS account"
        )
        member.get_by_role("button", name="Continue").click()
        expect(member.get_by_role("link", name="Enter your work email address")).to_be_visible()
        axe(member, "council sign-in start, error")
        member.get_by_label("Your work email address").fill("commissioner@york.example")
        axe(member, "council sign-in start")
        shot(member, "start")
        member.get_by_role("button", name="Continue").click()

        # The provider's own page, in its own process.
        member.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/login/"))
        member.get_by_label("Username").fill("commissioner@york.example")
        member.get_by_label("Password").fill(PROVIDER_PASSWORD)
        member.get_by_role("button", name="Sign in").click()
        member.wait_for_url(re.compile(r"/york/$"))
        expect(member.get_by_role("heading", level=1)).to_be_visible()
        shot(member, "signed-in")

        stranger = new_page()
        stranger.set_default_timeout(60_000)
        stranger.goto("/accounts/council/")
        stranger.get_by_label("Your work email address").fill("stranger@york.example")
        stranger.get_by_role("button", name="Continue").click()
        stranger.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/login/"))
        stranger.get_by_label("Username").fill("stranger@york.example")
        stranger.get_by_label("Password").fill(PROVIDER_PASSWORD)
        stranger.get_by_role("button", name="Sign in").click()
        expect(stranger.get_by_role("heading", level=1)).to_have_text(
            "You have not been invited to York SEND Partnership"
        )
        axe(stranger, "not invited")
        shot(stranger, "not-invited")
