"""Passwords are stored with Argon2id at OWASP's settings; older hashes still sign in and
are stored again with Argon2id."""

from django.contrib.auth.hashers import make_password
from django.urls import reverse

from partnership.models import Role
from tests.factories import PASSWORD


def test_a_password_stored_before_is_stored_again_with_argon2id(client, area, settings):
    from config import settings as configured

    # The project's own list, not the fast one the other tests use.
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    user = area.members[Role.COMMISSIONER].user
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302 and "login" not in response.url
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    # And it still signs in.
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "login" not in response.url
