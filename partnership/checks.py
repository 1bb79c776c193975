"""Deployment checks of this product's own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Backends that keep messages on the machine instead of sending them.
NOT_SENT = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)


@register(Tags.security, deploy=True)
def email_is_really_sent(app_configs, **kwargs):
    if settings.EMAIL_BACKEND in NOT_SENT:
        return [
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: invitation and password-reset "
                "links would be written to the log or lost instead of sent.",
                hint="Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend "
                "and the EMAIL_* settings.",
                id="jpa.W001",
            )
        ]
    return []
