"""Writes through the API beyond the directory: progress on actions and board packs,
with the pages' roles, the pages' services and the pages' scope."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audits.models import Action, ActionUpdate
from partnership.models import Role
from reporting.models import BoardPack
from tests.api.conftest import api
from tests.factories.audits import accepted_audit


@pytest.fixture
def action(area):
    return accepted_audit(area).actions.get()


def session_client(area, role):
    client = APIClient()
    client.force_login(area.members[role].user)
    return client


def page_allows_progress(area, role, action):
    from django.test import Client

    client = Client()
    client.force_login(area.members[role].user)
    page = reverse("audits:action_detail", kwargs={"slug": area.partnership.slug, "pk": action.pk})
    response = client.post(page, {"status": "in_progress", "note": "From the page", "who": "Lead"})
    assert response.status_code in (302, 403), response.status_code
    return response.status_code == 302


@pytest.mark.parametrize("credentials", ["session", "key"])
@pytest.mark.parametrize("role", Role.values)
def test_action_progress_roles_are_the_pages_roles(area, key_client, credentials, role):
    """Each role may record progress through the API exactly when the action's page lets it."""
    audit = accepted_audit(area)
    on_page, through_api = (
        audit.actions.get(),
        Action.objects.create(
            audit=audit, what="Second action", who="Lead", due_date=timezone.localdate()
        ),
    )
    allowed = page_allows_progress(area, role, on_page)
    client = (
        key_client(area, role, access="read_write")
        if credentials == "key"
        else session_client(area, role)
    )
    response = client.post(
        api(area, "action-progress", pk=through_api.pk),
        {"status": "in_progress", "note": "From the API"},
        format="json",
    )
    assert response.status_code == (200 if allowed else 403), response.content
    through_api.refresh_from_db()
    assert (through_api.status == "in_progress") == allowed


def test_progress_goes_through_the_service_and_keeps_a_dated_note(area, key_client, action):
    client = key_client(area, Role.COMMISSIONER, access="read_write")
    response = client.post(
        api(area, "action-progress", pk=action.pk),
        {"status": "done", "note": "Leaflet published", "done_on": str(timezone.localdate())},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["done_on"] == str(timezone.localdate())
    assert body["updates"][0]["note"] == "Leaflet published"
    update = ActionUpdate.objects.get(action=action)
    assert update.by == client.key.created_by
    # Who is responsible stays as it was when the call does not name anyone.
    action.refresh_from_db()
    assert action.who == "Lead" or action.owner_id is not None
    history = action.history.all()
    assert history.count() >= 2  # every change kept, as from the page


def test_progress_bad_input_is_a_400_naming_the_field(area, key_client, action):
    client = key_client(area, Role.ADMIN, access="read_write")
    address = api(area, "action-progress", pk=action.pk)
    assert "status" in client.post(address, {"status": "finished"}, format="json").json()
    future = str(timezone.localdate() + timedelta(days=3))
    response = client.post(address, {"status": "done", "done_on": future}, format="json")
    assert response.status_code == 400 and "done_on" in response.json()
    # Nothing changed and no note: the service's own refusal.
    response = client.post(address, {"status": action.status}, format="json")
    assert response.status_code == 400
    assert "Nothing has changed" in response.json()["non_field_errors"][0]
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_a_read_only_key_may_not_record_progress(area, key_client, action):
    client = key_client(area, Role.ADMIN, access="read")
    response = client.post(
        api(area, "action-progress", pk=action.pk), {"status": "done"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This API key is read-only."


def test_action_list_is_the_delivery_plan_and_its_queries_do_not_grow(area, key_client):
    client = key_client(area, Role.BOARD_MEMBER)
    accepted_audit(area)
    address = api(area, "action-list")
    client.get(address)  # the key's first use of the minute is recorded once
    with CaptureQueriesContext(connection) as few:
        first = client.get(address).json()
    assert first["count"] == 1
    audit = accepted_audit(area)
    for n in range(30):
        Action.objects.create(audit=audit, what=f"Step {n}", who="Lead", due_date="2026-12-01")
    with CaptureQueriesContext(connection) as many:
        body = client.get(address).json()
    # The older audit's action is no longer live; the latest audit's are.
    assert body["count"] == 31
    assert len(many) == len(few)
    assert client.get(address, {"status": "done"}).json()["count"] == 0
    assert client.get(address, {"due_before": "nonsense"}).status_code == 400


# --- board packs ---------------------------------------------------------------------


def test_a_pack_is_asked_for_once_and_its_status_read(
    area, key_client, django_capture_on_commit_callbacks
):
    client = key_client(area, Role.BOARD_MEMBER, access="read_write")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = client.post(api(area, "board-pack-list"), {"period": "all"}, format="json")
        again = client.post(api(area, "board-pack-list"), {"period": "all"}, format="json")
    assert first.status_code == 202 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert len(queued) == 1  # one pack made, the same dedupe as the page
    body = first.json()
    pack = BoardPack.objects.get(pk=body["id"])
    assert first["Location"] == body["url"]
    assert body["status"] == "queued" and body["download"] is None
    assert body["page"].endswith(pack.get_absolute_url())
    status = client.get(body["url"]).json()
    assert status["status"] == "queued" and status["message"].startswith("Queued")
    # Made (eagerly here): ready, with the access-checked download.
    for callback in queued:
        callback()
    ready = client.get(body["url"]).json()
    assert ready["status"] == "ready", ready
    download = reverse(
        "reporting:pack_download", kwargs={"slug": area.partnership.slug, "pk": pack.pk}
    )
    assert ready["download"].endswith(download)
    browser = APIClient()
    browser.force_login(area.members[Role.BOARD_MEMBER].user)
    assert browser.get(ready["download"]).getvalue()[:5] == b"%PDF-"
    browser.force_login(area.members[Role.FAMILY_PARTNER].user)
    assert browser.get(ready["download"]).status_code == 403


def test_pack_bad_filters_and_read_only_keys(area, key_client):
    client = key_client(area, Role.COMMISSIONER, access="read_write")
    response = client.post(
        api(area, "board-pack-list"), {"period": "all", "organisation": 999999}, format="json"
    )
    assert response.status_code == 400 and "organisation" in response.json()
    response = client.post(api(area, "board-pack-list"), {"from": "not a date"}, format="json")
    assert response.status_code == 400 and "from" in response.json()
    read_only = key_client(area, Role.COMMISSIONER, access="read")
    response = read_only.post(api(area, "board-pack-list"), {"period": "all"}, format="json")
    assert response.status_code == 403
    assert not BoardPack.objects.exists()


def test_a_stuck_pack_reads_as_failed(area, key_client, settings):
    pack = BoardPack.objects.create(
        partnership=area.partnership,
        dedupe_key="k",
        status=BoardPack.Status.PREPARING,
        heartbeat_at=timezone.now() - timedelta(minutes=settings.BOARD_PACK_STUCK_MINUTES + 1),
    )
    body = key_client(area).get(api(area, "board-pack-detail", pk=pack.pk)).json()
    assert body["status"] == "failed" and "Try again" in body["failure_reason"]


def test_pack_list_queries_do_not_grow(area, key_client):
    client = key_client(area)
    BoardPack.objects.create(partnership=area.partnership, dedupe_key="a")
    client.get(api(area, "board-pack-list"))  # the key's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert client.get(api(area, "board-pack-list")).json()["count"] == 1
    for n in range(20):
        BoardPack.objects.create(partnership=area.partnership, dedupe_key=f"b{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(api(area, "board-pack-list")).json()["count"] == 21
    assert len(many) == len(few)
