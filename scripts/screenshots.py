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

# (file name, account, path or a function of the page that navigates there)
SHOTS = [
    ("sign-in", None, "/accounts/login/"),
    ("home-admin", "admin@york.example", "/york/"),
    ("home-service-lead", "lead@york.example", "/york/"),
    ("projects", "commissioner@york.example", "/york/projects/"),
    ("people", "admin@york.example", "/york/people/"),
    ("organisations", "admin@york.example", "/york/organisations/"),
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
                context = browser.new_context(viewport={"width": 1100, "height": 800})
                page = context.new_page()
                if account:
                    sign_in(page, args.base_url, account)
                pages[account] = page
            page = pages[account]
            if callable(target):
                target(page, args.base_url)
            else:
                page.goto(args.base_url + target)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            print(f"docs/screenshots/{name}.png  {page.title()}")
        browser.close()


if __name__ == "__main__":
    main()
