"""Signed-in pages are not cached, oversized posts are refused unread."""

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from django.urls import reverse

from partnership.models import Role
from tests.factories.audits import start_audit


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "name",
    [
        "partnership:home",
        "partnership:project_list",
        "audits:audit_list",
        "reporting:dashboard",
        "reporting:export_csv",
        "reporting:export_xlsx",
    ],
)
def test_signed_in_pages_and_exports_are_not_stored(client_for, area, name):
    client = client_for(area, Role.ADMIN)
    response = client.get(reverse(name, args=[area.partnership.slug]))
    assert response.status_code == 200
    assert no_store(response), response.get("Cache-Control")
    assert "private" in response["Cache-Control"]


def test_an_audit_page_and_an_evidence_download_are_not_stored(client_for, area):
    client = client_for(area, Role.ADMIN)
    audit = start_audit(area)
    url = reverse("audits:task_list", kwargs={"slug": area.partnership.slug, "pk": audit.pk})
    assert no_store(client.get(url))


def test_the_sign_in_page_may_still_be_cached_normally(client, db):
    # Only signed-in responses are marked; public pages keep their own rules.
    assert not no_store(client.get("/healthz"))


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that counts how much of it is read."""

    def __init__(self, size):
        self.size = size
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        left = self.size - self.read_bytes
        n = min(len(buffer), left)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


def test_a_300_mb_upload_is_refused_before_it_is_read(area, client_for):
    audit = start_audit(area)
    url = reverse(
        "audits:principle", kwargs={"slug": area.partnership.slug, "pk": audit.pk, "number": 1}
    )
    size = 300 * 1024 * 1024
    body = CountingStream(size)
    environ = RequestFactory().post(url).environ
    environ.update(
        {
            "wsgi.input": body,
            "CONTENT_LENGTH": str(size),
            "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        }
    )
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    content = b"".join(response)
    assert statuses[0].startswith("413")
    assert b"The file is too big" in content
    assert body.read_bytes < 1024 * 1024
