"""Sessions end after 30 idle minutes and after 12 hours at most; a lost role, a new
password or "sign out" on another device ends the others."""

import time

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnership.models import Role
from tests.factories import PASSWORD


def signed_in_client(user, address="192.0.2.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def home_status(client, area):
    return client.get(reverse("partnership:home", args=[area.partnership.slug])).status_code


def test_the_idle_limit_is_thirty_minutes_by_default(settings):
    from config import settings as module

    assert module.SESSION_COOKIE_AGE == 30 * 60
    assert module.SESSION_MAX_SECONDS == 12 * 60 * 60
    assert module.SESSION_RENEW_SECONDS == 60


def test_an_idle_session_ends(area):
    client = signed_in_client(area.members[Role.COMMISSIONER].user)
    assert home_status(client, area) == 200
    # The clock moves past the idle limit: the stored session has expired.
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert home_status(client, area) == 302


def session_writes(client, area):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partnership:home", args=[area.partnership.slug]))
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    return len([sql for sql in writes if "django_session" in sql]), response


def seconds_left(response):
    import re

    return int(re.search(rb'data-session-seconds="(\d+)"', response.content).group(1))


def test_activity_moves_the_idle_expiry_on_at_most_once_a_minute(area, monkeypatch, settings):
    client = signed_in_client(area.members[Role.COMMISSIONER].user)
    started = time.time()
    monkeypatch.setattr(time, "time", lambda: started + 1)
    session_writes(client, area)
    expiry = Session.objects.get().expire_date
    # Within the minute: pages open without writing the session, and tell the expiry
    # warning the time really left.
    monkeypatch.setattr(time, "time", lambda: started + 31)
    writes, response = session_writes(client, area)
    assert writes == 0
    assert Session.objects.get().expire_date == expiry
    assert settings.SESSION_COOKIE_AGE - 31 <= seconds_left(response) < settings.SESSION_COOKIE_AGE
    # A minute on, the next page renews the session: its expiry moves on.
    monkeypatch.setattr(time, "time", lambda: started + 62)
    writes, response = session_writes(client, area)
    assert writes == 1
    assert Session.objects.get().expire_date > expiry
    assert seconds_left(response) == settings.SESSION_COOKIE_AGE


def test_a_cookie_naming_no_session_makes_none(client, area):
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "no-such-session-key-at-all-0123456789"
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_a_session_ends_after_twelve_hours_however_active(area, monkeypatch):
    client = signed_in_client(area.members[Role.COMMISSIONER].user)
    assert home_status(client, area) == 200
    started = time.time()
    monkeypatch.setattr(time, "time", lambda: started + 11 * 3600)
    assert home_status(client, area) == 200
    monkeypatch.setattr(time, "time", lambda: started + 12 * 3600 + 60)
    response = client.get(reverse("partnership:home", args=[area.partnership.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    monkeypatch.undo()
    assert home_status(client, area) == 302  # the session itself is gone


def test_sign_out_everywhere(area):
    user = area.members[Role.COMMISSIONER].user
    laptop = signed_in_client(user, "192.0.2.1")
    phone = signed_in_client(user, "192.0.2.2")
    assert home_status(phone, area) == 200
    sessions = laptop.get(reverse("usersessions_list"))
    assert sessions.status_code == 200
    assert len(sessions.context["sessions"]) == 2
    laptop.post(reverse("usersessions_list"))
    assert home_status(phone, area) == 302
    assert home_status(laptop, area) == 200


@pytest.mark.django_db(transaction=True)
def test_losing_a_role_or_changing_the_password_ends_other_sessions():
    from tests.conftest import make_area

    area = make_area("gamma")
    lead = area.members[Role.SERVICE_LEAD]
    other_device = signed_in_client(lead.user, "192.0.2.9")
    assert home_status(other_device, area) == 200
    admin = signed_in_client(area.members[Role.ADMIN].user)
    admin.post(
        reverse("partnership:person_edit", args=[area.partnership.slug, lead.pk]),
        {"role": Role.BOARD_MEMBER},
    )
    assert home_status(other_device, area) == 302
    assert not UserSession.objects.filter(user=lead.user).exists()

    commissioner = area.members[Role.COMMISSIONER].user
    first = signed_in_client(commissioner, "192.0.2.10")
    second = signed_in_client(commissioner, "192.0.2.11")
    second.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Another-pass-2026!",
            "password2": "Another-pass-2026!",
        },
    )
    assert home_status(first, area) == 302
    assert home_status(second, area) == 200
