"""What `make run` shows a new user: the product's own 404 page and a calm terminal."""

import logging
import sys

import pytest
from django.urls import reverse

from config.logging import NoTracebackForRefusals
from partnership.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_run(settings):
    """Settings as `make run` has them: DEBUG on, debug pages not asked for."""
    settings.DEBUG = True
    settings.MIDDLEWARE = ["config.dev.ProductNotFoundPage", *settings.MIDDLEWARE]


def test_signed_in_404_shows_the_product_page_under_make_run(debug_run, area, client_for):
    client = client_for(area, Role.SERVICE_LEAD)
    for url in (f"/{area.partnership.slug}/no-such-page/", "/no-such-partnership/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404
        assert "Page not found" in html and "govuk-template" in html
        # Not Django's debug page, which lists every URL pattern.
        assert "URLconf" not in html


def test_a_missing_object_is_the_product_page_too(debug_run, area, client_for):
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("audits:audit_view", kwargs={"slug": area.partnership.slug, "pk": 999999})
    html = client.get(url).content.decode()
    assert "Page not found" in html and "Traceback" not in html


def test_debug_pages_are_there_when_a_developer_asks(settings, area, client_for):
    settings.DEBUG = True  # DJANGO_DEBUG_PAGES=1: the middleware is not installed
    html = client_for(area, Role.SERVICE_LEAD).get(f"/{area.partnership.slug}/no-such-page/")
    assert "URLconf" in html.content.decode()


def _record(status_code):
    try:
        raise PermissionError("Your role does not allow this")
    except PermissionError:
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden", None, sys.exc_info()
        )
    record.status_code = status_code
    return record


def test_a_refusal_is_one_line_without_a_traceback():
    record = _record(403)
    assert NoTracebackForRefusals().filter(record)
    assert record.exc_info is None
    assert "Traceback" not in logging.Formatter().format(record)


def test_real_errors_keep_their_traceback():
    record = _record(500)
    NoTracebackForRefusals().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


def test_django_messages_are_printed_once():
    # Django's own console handler is removed; the root logger's prints them.
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate
