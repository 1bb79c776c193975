"""The content security policy and the headers that go with it, on every kind of
response, and the endpoint that takes the browser's violation reports."""

import json
import logging
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from partnership.models import Role
from tests.factories.audits import accepted_audit

REQUIRED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "report-uri": "/csp-report",
    "report-to": "csp",
}


def policy(response):
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} response"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response):
    directives = policy(response)
    for name, value in REQUIRED.items():
        assert directives.get(name) == [value], (name, directives.get(name))
    for name in ("script-src", "style-src"):
        sources = directives[name]
        # Only this site, plus this response's nonce when the page used one.
        assert sources[0] == "'self'"
        assert all(s.startswith("'nonce-") for s in sources[1:]), sources
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    # No third-party origin anywhere in the policy.
    header = response["Content-Security-Policy"]
    assert not re.search(r"https?://", header), header
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert re.fullmatch(r'csp="https?://[^"]+/csp-report"', response["Reporting-Endpoints"])
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_signed_in_html_page(client_for, area):
    response = client_for(area, Role.ADMIN).get(
        reverse("partnership:home", args=[area.partnership.slug])
    )
    assert response.status_code == 200
    assert_strict(response)
    # The page has no inline script or style at all, so it needs no nonce.
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html and 'style="' not in html


def test_a_page_with_its_own_styles_carries_the_headers_nonce(client_for, area):
    audit = accepted_audit(area)
    response = client_for(area, Role.ADMIN).get(
        reverse("reporting:audit_print", args=[area.partnership.slug, audit.pk])
    )
    assert response.status_code == 200
    assert_strict(response)
    nonce = policy(response)["style-src"][1].removeprefix("'nonce-").rstrip("'")
    html = response.content.decode()
    styles = re.findall(r"<style[^>]*>", html)
    assert styles and all(tag == f'<style nonce="{nonce}">' for tag in styles), styles
    assert 'style="' not in html and "<script" not in html


def test_each_response_has_its_own_nonce(client_for, area):
    audit = accepted_audit(area)
    client = client_for(area, Role.ADMIN)
    url = reverse("reporting:audit_print", args=[area.partnership.slug, audit.pk])
    first, second = (policy(client.get(url))["style-src"][1] for _ in range(2))
    assert first != second


def test_a_json_api_response(client_for, area):
    response = client_for(area, Role.ADMIN).get(
        reverse("api:organisation-list", args=[area.partnership.slug])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_strict(response)


@pytest.mark.parametrize("name", ["reporting:export_csv", "reporting:audit_pdf_download"])
def test_a_file_download(client_for, area, name, django_capture_on_commit_callbacks):
    audit = accepted_audit(area)
    client = client_for(area, Role.ADMIN)
    args = [area.partnership.slug] + ([audit.pk] if name.endswith("download") else [])
    if name.endswith("download"):
        # The worker makes the audit's PDF first, as "Download PDF" asks it to.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("reporting:audit_pdf", args=args))
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert_strict(response)


@pytest.mark.parametrize("name", ["privacy", "accessibility", "account_login"])
def test_a_public_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_strict(response)


def test_the_api_description_pages(client, db):
    for name in ("api:swagger",):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert_strict(response)
        html = response.content.decode()
        # Swagger UI's init script is a file of its own; Redoc starts from its element.
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), html
        assert "fonts.googleapis.com" not in html
    script = client.get(reverse("api:swagger") + "?script=")
    assert script["Content-Type"].startswith("application/javascript")


def test_an_error_page(client_for, area, other_area):
    client = client_for(area, Role.ADMIN)
    missing = client.get(reverse("partnership:home", args=[other_area.partnership.slug]))
    assert missing.status_code == 404
    assert_strict(missing)
    assert "<script>" not in missing.content.decode()


def test_the_server_error_page_needs_no_nonce(rf, db):
    # The 500 page is rendered without the request's context, so it must not rely on one.
    from django.views.defaults import server_error

    html = server_error(rf.get("/")).content.decode()
    assert "<script>" not in html and 'style="' not in html and "<style" not in html


def test_the_django_admin(admin_client):
    response = admin_client.get(reverse("admin:index"), follow=True)
    assert_strict(response)


# --- the report endpoint ------------------------------------------------------------------

REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "http://testserver/invitations/s3cr3t-t0ken-abcdef/",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "inline",
        "source-file": "http://testserver/static/js/app.js?v=1",
        "line-number": 12,
        "disposition": "enforce",
    }
}
REPORT_TO_BODY = [
    {
        "type": "csp-violation",
        "url": "http://testserver/alpha/",
        "body": {
            "documentURL": "http://testserver/alpha/projects/",
            "effectiveDirective": "img-src",
            "blockedURL": "https://tracker.example/pixel.gif?user=someone@example.org",
            "disposition": "enforce",
        },
    },
    {"type": "deprecation", "body": {"message": "not a violation"}},
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def post_report(client, body, content_type="application/csp-report", address="10.0.0.1"):
    return client.post(
        reverse("csp_report"),
        data=json.dumps(body),
        content_type=content_type,
        REMOTE_ADDR=address,
    )


def csp_lines(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "jpa.csp"]


def test_a_report_uri_violation_is_logged_by_page_name_without_the_address(client, db, caplog):
    caplog.set_level(logging.INFO, logger="jpa.csp")
    response = post_report(client, REPORT_URI_BODY)
    assert response.status_code == 204
    [line] = csp_lines(caplog)
    assert line == {
        "event": "csp_violation",
        "client_ip": "10.0.0.1",
        "page": "invitation_accept",
        "directive": "script-src-elem",
        "blocked": "inline",
        "source": "/static/js/app.js",
        "line": 12,
        "disposition": "enforce",
    }
    # The invitation's token in the page address never reaches the log.
    assert "s3cr3t" not in caplog.text


def test_a_report_to_batch_is_logged_with_origins_only(client, area, caplog):
    caplog.set_level(logging.INFO, logger="jpa.csp")
    response = post_report(client, REPORT_TO_BODY, content_type="application/reports+json")
    assert response.status_code == 204
    [line] = csp_lines(caplog)
    assert line["page"] == "partnership:project_list"
    assert line["partnership"] == "alpha"
    assert line["directive"] == "img-src"
    assert line["blocked"] == "https://tracker.example"
    assert "someone@example.org" not in caplog.text


def test_a_flood_of_reports_is_cut_off_per_address_and_counted(client, db, caplog, settings):
    settings.CSP_REPORTS_PER_MINUTE = 5
    caplog.set_level(logging.INFO, logger="jpa.csp")
    codes = [post_report(client, REPORT_URI_BODY).status_code for _ in range(250)]
    assert codes[:5] == [204] * 5
    assert set(codes[5:]) == {429}
    lines = csp_lines(caplog)
    assert [line["event"] for line in lines].count("csp_violation") == 5
    dropped = [line for line in lines if line["event"] == "csp_reports_dropped"]
    # One line when the flood starts, then one per hundred dropped: the log stays short.
    assert [d["dropped_this_minute"] for d in dropped] == [1, 100, 200]
    assert dropped[0]["client_ip"] == "10.0.0.1"
    # Another address is not held up by the first one's flood.
    assert post_report(client, REPORT_URI_BODY, address="10.0.0.2").status_code == 204


def test_bad_reports_are_refused(client, db, caplog):
    caplog.set_level(logging.INFO, logger="jpa.csp")
    url = reverse("csp_report")
    assert client.get(url).status_code == 405
    assert (
        client.post(url, data="not json", content_type="application/csp-report").status_code == 400
    )
    big = {"csp-report": {"document-uri": "x" * 20_000}}
    assert post_report(client, big).status_code == 413
    assert post_report(client, {"something": "else"}).status_code == 204
    assert csp_lines(caplog) == []
