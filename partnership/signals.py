"""Account events from Django, allauth and django-axes, written to the security log."""

import time

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import SecurityEvent, User
from .security import provider_sign_in, security_event_record, sign_in_name

Kind = SecurityEvent.Kind


@receiver(user_logged_in, dispatch_uid="security_signed_in")
def _signed_in(sender, request, user, **kwargs):
    if provider_sign_in(request):
        # Recorded with the provider and partnership by the sso app's receiver.
        return
    security_event_record(kind=Kind.SIGNED_IN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="security_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    email = sign_in_name(request, credentials) or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    security_event_record(kind=Kind.SIGN_IN_FAILED, request=request, user=user, email=email)


@receiver(user_locked_out, dispatch_uid="security_locked_out")
def _locked_out(sender, request, username=None, **kwargs):
    user = User.objects.filter(email__iexact=username).first() if username else None
    security_event_record(kind=Kind.LOCKED_OUT, request=request, user=user, email=username or "")


@receiver(user_logged_out, dispatch_uid="security_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=Kind.SIGNED_OUT, request=request, user=user)


@receiver(password_changed, dispatch_uid="security_password_changed")
@receiver(password_set, dispatch_uid="security_password_set")
def _password_changed(sender, request, user, **kwargs):
    security_event_record(kind=Kind.PASSWORD_CHANGED, request=request, user=user)


@receiver(password_reset, dispatch_uid="security_password_reset")
def _password_reset(sender, request, user, **kwargs):
    security_event_record(kind=Kind.PASSWORD_RESET, request=request, user=user)


@receiver(authenticator_added, dispatch_uid="security_mfa_added")
def _mfa_added(sender, request, user, authenticator, **kwargs):
    security_event_record(
        kind=Kind.MFA_ADDED, request=request, user=user, detail={"type": authenticator.type}
    )


@receiver(authenticator_removed, dispatch_uid="security_mfa_removed")
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    security_event_record(
        kind=Kind.MFA_REMOVED, request=request, user=user, detail={"type": authenticator.type}
    )


@receiver(authenticator_reset, dispatch_uid="security_mfa_reset")
def _mfa_reset(sender, request, user, authenticator, **kwargs):
    # allauth's "reset" is new recovery codes; an admin's reset is recorded by its own view.
    security_event_record(
        kind=Kind.MFA_ADDED, request=request, user=user, detail={"type": authenticator.type}
    )


@receiver(user_logged_in, dispatch_uid="session_signed_in_at")
def _start_session_clock(sender, request, user, **kwargs):
    # The absolute session limit counts from here, and the idle one was just renewed by
    # this sign-in's save (config/middleware.py).
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session["signed_in_at"] = now
        request.session["renewed_at"] = now
