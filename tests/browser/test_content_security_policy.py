"""Pages no other browser journey opens, under the content security policy: the Django
admin, the API's Swagger UI, the framework's rubric, the printable audit and the
error page. Each must render fully with no violation; and a violation is caught."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from playwright.sync_api import expect

from partnership.models import Role
from tests.browser.conftest import csp_violations
from tests.conftest import make_area
from tests.factories import PASSWORD, UserFactory
from tests.factories.audits import accepted_audit

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_violation_fails_the_check(new_page, axe):
    make_area("york")
    page = new_page()
    page.goto("/privacy/")
    # What an injected note would try: an inline script and an inline style attribute.
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.title = 'owned'";
            document.body.append(script);
            const div = document.createElement("div");
            div.setAttribute("style", "color: red");
            document.body.append(div);
        }"""
    )
    expect(page).not_to_have_title("owned")
    page.wait_for_function("() => true")
    deadline = time.monotonic() + 5
    while len(csp_violations(page)) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    seen = "\n".join(csp_violations(page))
    assert "script-src" in seen and "style-src" in seen, seen
    with pytest.raises(AssertionError, match="content security policy violations"):
        axe(page, "privacy notice with an injected script")
    # Forgotten, so that this test's own end does not fail on what it provoked.
    page.context.csp_violations.clear()


def test_the_api_description_pages_render_under_the_policy(new_page, axe):
    page = new_page()
    page.goto("/api/v1/schema/swagger/")
    expect(
        page.get_by_role("heading", name=re.compile("Joint Partnership Audit API"))
    ).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    # Redoc's address leads to Swagger UI (Redoc cannot run under the policy).
    page.goto("/api/v1/schema/redoc/")
    page.wait_for_url(re.compile(r"/schema/swagger/$"))
    expect(page.locator(".opblock").first).to_be_visible()


def test_the_django_admin_renders_under_the_policy(new_page):
    user = UserFactory(email="operator@platform.example", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    make_area("york")
    page = new_page()
    sign_in(page, user.email)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    page.locator("input[name=code]").fill(code)
    page.locator("button[type=submit]").first.click()
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/admin/partnership/partnership/")
    expect(page.get_by_role("link", name="York SEND Partnership").first).to_be_visible()
    page.get_by_role("link", name="York SEND Partnership").first.click()
    expect(page.locator("#content h1")).to_be_visible()
    page.goto("/admin/partnership/partnership/add/")
    expect(page.locator("input[name=name]")).to_be_visible()


def test_partnership_pages_with_their_own_styles(new_page, axe):
    area = make_area("york")
    audit = accepted_audit(area)
    page = new_page()
    sign_in(page, area.members[Role.ADMIN].user.email)
    page.wait_for_url(re.compile(r"/york/$"))
    axe(page, "home")
    page.get_by_role("link", name="Framework").click()
    rubric = page.locator(".app-rubric")
    expect(rubric).to_be_visible()
    # The rubric's stylesheet applied: it scrolls within its own region.
    assert rubric.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    axe(page, "framework")
    page.goto(f"/york/audits/{audit.pk}/print/")
    expect(page.get_by_role("heading", name=re.compile("Audit of"))).to_be_visible()
    # The printable page's own (nonce'd) style block applied.
    assert page.locator(".screen-bar").evaluate("el => getComputedStyle(el).display") == "block"
    page.goto("/york/no-such-page/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe(page, "page not found")
