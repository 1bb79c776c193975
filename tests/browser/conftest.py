"""Browser tests drive Debian's Chromium through Playwright against a live server."""

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"Chromium is required in CI but was not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed; browser tests need Debian's chromium")
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Every page runs under the product's content security policy. A violation shows twice:
# Chromium's own console error ("Refused to ... because it violates the following Content
# Security Policy directive"), and the page's securitypolicyviolation event, which this
# script (run by the browser before any of the page's own, and not subject to the policy)
# turns into a console error naming the directive, what was blocked and where.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
    console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
        + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber} (${e.disposition})`);
});
"""


def _is_csp_violation(message):
    text = message.text
    return message.type == "error" and (
        text.startswith("CSP violation:") or "Content Security Policy" in text
    )


def csp_violations(page):
    """The violations seen so far in the page's browser context, each as 'url: message'."""
    return getattr(page.context, "csp_violations", [])


def assert_no_csp_violations(page, label=""):
    violations = csp_violations(page)
    assert not violations, f"{label or page.url}: content security policy violations:\n" + (
        "\n".join(violations)
    )


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) on the live server.

    Each context records content security policy violations on every page it opens;
    `assert_accessible` fails on them, and so does the end of every test that opened a
    page (whether or not it checked accessibility).
    """
    contexts = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1200, "height": 900}
        )
        context.set_default_timeout(15_000)
        context.csp_violations = []
        context.add_init_script(script=REPORT_VIOLATIONS)

        def on_console(message, context=context):
            if _is_csp_violation(message):
                url = message.page.url if message.page else "?"
                context.csp_violations.append(f"{url}: {message.text}")

        context.on("console", on_console)
        contexts.append(context)
        return context.new_page()

    yield open_page
    violations = [v for context in contexts for v in context.csp_violations]
    for context in contexts:
        context.close()
    assert not violations, "content security policy violations:\n" + "\n".join(violations)


def assert_accessible(page, label=""):
    """The page as it is now broke no rule of the content security policy, and axe-core
    finds no WCAG 2.2 A/AA violations on it."""
    assert_no_csp_violations(page, label)
    # Evaluated by the test, not added as an inline <script> the page's policy would refuse.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']}
        })"""
    )
    violations = [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    if violations:
        ARTIFACTS.mkdir(exist_ok=True)
        name = (label or page.url).replace("/", "_").replace(":", "")[:80]
        page.screenshot(path=str(ARTIFACTS / f"axe-{name}.png"), full_page=True)
    assert not violations, f"{label or page.url}: {json.dumps(violations, indent=1)}"
    assert_reflows(page, label)


# WCAG 1.4.10: content fits a 320 CSS pixel wide viewport without scrolling sideways;
# a table or chart may scroll within its own region.
REFLOW_WIDTH = 320
WIDEST = """() => {
    const page = document.scrollingElement.scrollWidth;
    if (page <= window.innerWidth) return null;
    // Name the outermost elements that stick out, for the failure message.
    const culprits = [];
    for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (box.right > window.innerWidth + 1 && !culprits.some((c) => c.contains(el))) {
            culprits.push(el);
        }
    }
    return {page, culprits: culprits.slice(0, 5).map((el) =>
        `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")}` +
        ` (${Math.round(el.getBoundingClientRect().right)}px)`)};
}"""


def assert_reflows(page, label=""):
    """At 320 px wide the page does not scroll sideways; the viewport is put back after."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"]})
    try:
        overflow = page.evaluate(WIDEST)
        if overflow:
            ARTIFACTS.mkdir(exist_ok=True)
            name = (label or page.url).replace("/", "_").replace(":", "")[:80]
            page.screenshot(path=str(ARTIFACTS / f"reflow-{name}.png"), full_page=True)
    finally:
        page.set_viewport_size(size)
    assert not overflow, (
        f"{label or page.url} scrolls sideways at {REFLOW_WIDTH} px: "
        f"{overflow['page']} px wide; widest parts: {overflow['culprits']}"
    )


@pytest.fixture
def axe():
    return assert_accessible
