"""Refresh docs/screenshots/ from a running app with the demo data.

Usage: start the app with `make run`, then in another terminal
    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000]
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "demo-partnership-2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _open_draft(page, base):
    """The lead's audit in progress: the re-audit of the short breaks offer."""
    page.goto(f"{base}/york/audits/?status=draft")
    # An editor's link goes straight to the task list.
    page.get_by_role("link", name=re.compile("^Redesign of the short breaks offer")).click()
    page.wait_for_load_state()


def task_list(page, base):
    _open_draft(page, base)


def principle_page(page, base):
    _open_draft(page, base)
    page.get_by_role("link", name=re.compile(r"^Principle 2:")).click()
    page.wait_for_load_state()


def check_answers(page, base):
    _open_draft(page, base)
    page.get_by_role("link", name="Check and submit").click()
    page.wait_for_load_state()


def review_page(page, base):
    page.goto(f"{base}/york/reviews/")
    page.locator("table a").first.click()
    page.wait_for_load_state()


def lead_action(page, base):
    """The first action the lead owns, from their home page."""
    page.goto(f"{base}/york/")
    page.locator("table a[href*='/actions/']").first.click()
    page.wait_for_load_state()


def family_rate(page, base):
    """The family partner's audit waiting for their ratings, from their home page."""
    page.goto(f"{base}/york/")
    page.locator("#attention-family_waiting a").first.click()
    page.wait_for_load_state()


def family_principle(page, base):
    family_rate(page, base)
    page.get_by_role("link", name=re.compile(r"^Part 3:")).click()
    page.wait_for_load_state()


def family_sent(page, base):
    page.goto(f"{base}/york/")
    page.get_by_role("link", name="Redesign of the short breaks offer").click()
    page.wait_for_load_state()


def family_compare(page, base):
    """The lead's side by side of the service's and families' levels."""
    page.goto(f"{base}/york/")
    page.locator("#attention-family_agree a").first.click()
    page.wait_for_load_state()


# (file name, account, path or a function of the page that navigates there); a name
# ending in -320 is taken 320 px wide, the narrowest screen the pages must fit.
SHOTS = [
    ("sign-in", None, "/accounts/login/"),
    ("home-admin", "admin@york.example", "/york/"),
    ("home-admin-320", "admin@york.example", "/york/"),
    ("home-commissioner", "commissioner@york.example", "/york/"),
    ("home-commissioner-320", "commissioner@york.example", "/york/"),
    ("home-board-member", "board@york.example", "/york/"),
    ("home-board-member-320", "board@york.example", "/york/"),
    ("home-family-partner", "family@york.example", "/york/"),
    ("home-family-partner-320", "family@york.example", "/york/"),
    ("home-service-lead-320", "lead@york.example", "/york/"),
    ("people", "admin@york.example", "/york/people/"),
    ("organisations", "admin@york.example", "/york/organisations/"),
    ("home-service-lead", "lead@york.example", "/york/"),
    ("task-list", "lead@york.example", task_list),
    ("principle-page", "lead@york.example", principle_page),
    ("check-your-answers", "lead@york.example", check_answers),
    ("projects", "commissioner@york.example", "/york/projects/"),
    ("review-page", "commissioner@york.example", review_page),
    ("dashboard", "commissioner@york.example", "/york/portfolio/"),
    ("framework", "board@york.example", "/york/framework/"),
    ("actions", "commissioner@york.example", "/york/actions/"),
    ("programme", "commissioner@york.example", "/york/programme/"),
    ("action-page", "lead@york.example", lead_action),
    ("notifications", "lead@york.example", "/york/notifications/"),
    ("reminder-settings", "admin@york.example", "/york/reminders/settings/"),
    ("family-rate", "family@york.example", family_rate),
    ("family-principle", "family@york.example", family_principle),
    ("family-principle-320", "family@york.example", family_principle),
    ("family-sent", "family@york.example", family_sent),
    ("family-compare", "lead@york.example", family_compare),
]


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/[a-z-]+/$"))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        pages = {}
        for name, account, target in SHOTS:
            if account not in pages:
                context = browser.new_context(
                    viewport={"width": 1100, "height": 800}, locale="en-GB"
                )
                page = context.new_page()
                if account:
                    sign_in(page, args.base_url, account)
                pages[account] = page
            page = pages[account]
            page.set_viewport_size(
                {"width": 320, "height": 640}
                if name.endswith("-320")
                else {"width": 1100, "height": 800}
            )
            if callable(target):
                target(page, args.base_url)
            else:
                page.goto(args.base_url + target)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            print(f"docs/screenshots/{name}.png  {page.title()}")
        browser.close()


if __name__ == "__main__":
    main()
