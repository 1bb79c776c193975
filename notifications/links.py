"""Signed links in emails that let a person change their email choices without signing in."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

SALT = "notifications.preferences"
# Long enough for an email read after a holiday; short enough that old mail stops working.
MAX_AGE_DAYS = 60


def _email_mark(email):
    # The link names the address it was sent to without showing it.
    return salted_hmac(SALT, email).hexdigest()[:16]


def preferences_token(user):
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"u": user.pk, "e": _email_mark(user.email)}
    )


def preferences_link(user):
    path = reverse("email_preferences", kwargs={"token": preferences_token(user)})
    return settings.SITE_URL + path


def user_from_token(token):
    """The person the link was made for, or raises signing.BadSignature (or its subclass
    SignatureExpired). A link stops working if the account's email address changes."""
    from partnership.models import User

    data = signing.TimestampSigner(salt=SALT).unsign_object(
        token, max_age=MAX_AGE_DAYS * 24 * 60 * 60
    )
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or _email_mark(user.email) != data.get("e"):
        raise signing.BadSignature("The link does not match an account")
    return user
