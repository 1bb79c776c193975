"""Notifications page and header count, email choices, signed links, reminder settings."""

from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from notifications.delivery import notify
from notifications.links import preferences_link, preferences_token
from notifications.models import Notification, Preference, ReminderSettings
from partnership.models import Role


def test_notifications_newest_first_with_unread_count_in_the_header(client_for, area, other_area):
    me = area.members[Role.SERVICE_LEAD].user
    first = notify(partnership=area.partnership, recipient=me, title="Older", url="/x/")
    notify(partnership=area.partnership, recipient=me, title="Newer", url="/y/")
    notify(partnership=other_area.partnership, recipient=me, title="Elsewhere")
    notify(partnership=area.partnership, recipient=area.members[Role.ADMIN].user, title="Not mine")
    client = client_for(area, Role.SERVICE_LEAD)
    page = client.get(reverse("notifications:list", kwargs={"slug": area.partnership.slug}))
    titles = [n.title for n in page.context["page"].object_list]
    assert titles == ["Newer", "Older"]
    assert 'id="unread-count">2<' in page.content.decode()
    opened = client.get(
        reverse("notifications:open", kwargs={"slug": area.partnership.slug, "pk": first.pk})
    )
    assert opened.status_code == 302 and opened.url == "/x/"
    home = client.get(f"/{area.partnership.slug}/").content.decode()
    assert 'id="unread-count">1<' in home
    client.post(
        reverse("notifications:list", kwargs={"slug": area.partnership.slug}), {"all_read": "1"}
    )
    assert not Notification.objects.filter(recipient=me, partnership=area.partnership).unread()
    assert Notification.objects.filter(partnership=other_area.partnership).unread().count() == 1


def test_someone_elses_notification_is_404(client_for, area):
    theirs = notify(
        partnership=area.partnership, recipient=area.members[Role.ADMIN].user, title="x"
    )
    client = client_for(area, Role.SERVICE_LEAD)
    url = reverse("notifications:open", kwargs={"slug": area.partnership.slug, "pk": theirs.pk})
    assert client.get(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_signed_link_works_without_signing_in(client, area):
    user = area.members[Role.SERVICE_LEAD].user
    link = preferences_link(user)
    path = link.split("8000", 1)[-1] if "8000" in link else link
    page = client.get(path)
    assert page.status_code == 200 and user.email in page.content.decode()
    response = client.post(
        path, {"delivery": "digest", "review_advance": "on", "weekly_digest": "on"}
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=user)
    assert pref.delivery == "digest" and pref.review_advance and not pref.action_advance


@pytest.mark.parametrize("change", ["altered", "other-salt", "old-address"])
def test_an_altered_link_says_so_and_changes_nothing(client, area, change):
    user = area.members[Role.SERVICE_LEAD].user
    token = preferences_token(user)
    if change == "altered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif change == "other-salt":
        token = signing.TimestampSigner(salt="other").sign_object({"u": user.pk})
    else:
        user.email = "moved@example.org"
        user.save()
    url = reverse("email_preferences", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 404
    assert "This link does not work" in page.content.decode()
    assert reverse("notification_preferences") in page.content.decode()
    client.post(url, {"delivery": "digest"})
    assert not Preference.objects.exists()


def test_an_expired_link_says_so(client, area):
    import time

    user = area.members[Role.SERVICE_LEAD].user
    token = preferences_token(user)
    later = time.time() + 61 * 24 * 60 * 60
    with mock.patch("time.time", return_value=later):
        page = client.get(reverse("email_preferences", kwargs={"token": token}))
    assert page.status_code == 410 and "This link has expired" in page.content.decode()


def test_account_page_choices(client_for, area):
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("notification_preferences")
    assert client.get(url).status_code == 200
    client.post(url, {"delivery": "each", "review_waiting": ""})
    pref = Preference.objects.get(user=area.members[Role.COMMISSIONER].user)
    assert not pref.review_waiting and not pref.weekly_digest


@pytest.mark.parametrize(
    "offsets, message",
    [
        ("60, -3", "must be 1 or more"),
        ("30, 30", "30 days is listed twice"),
        ("400", "365 or fewer"),
        ("soon", "is not a whole number"),
        ("", "Enter at least one number"),
    ],
)
def test_offsets_that_make_no_sense_get_a_message(client_for, area, offsets, message):
    client = client_for(area, Role.ADMIN)
    url = reverse("notifications:settings", kwargs={"slug": area.partnership.slug})
    ReminderSettings.objects.create(partnership=area.partnership, review_offsets="45, 10")
    response = client.post(
        url,
        {
            "review_reminders": "on",
            "review_offsets": offsets,
            "action_offsets": "14",
            "waiting_days": "14",
            "digest_weekday": "0",
        },
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert ReminderSettings.objects.get().review_offsets == "45, 10"


def test_admin_saves_settings(client_for, area):
    client = client_for(area, Role.ADMIN)
    url = reverse("notifications:settings", kwargs={"slug": area.partnership.slug})
    response = client.post(
        url,
        {
            "review_reminders": "on",
            "review_offsets": "7,90, 30",
            "action_offsets": "3",
            "waiting_days": "10",
            "digest_weekday": "4",
        },
    )
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(partnership=area.partnership)
    assert saved.review_days == [90, 30, 7] and saved.action_days == [3]
    assert not saved.action_reminders and saved.digest_weekday == 4
    assert client_for(area, Role.COMMISSIONER).get(url).status_code == 403


def test_unread_count_is_one_query(client_for, area, django_assert_max_num_queries):
    me = area.members[Role.SERVICE_LEAD].user
    for n in range(30):
        notify(partnership=area.partnership, recipient=me, title=f"Reminder {n}")
    client = client_for(area, Role.SERVICE_LEAD)
    url = reverse("notifications:list", kwargs={"slug": area.partnership.slug})
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
