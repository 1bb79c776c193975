"""Checks made when a process that serves people starts (web server, worker, beat).

They live here rather than in settings so that management commands, the test suite and
`check --deploy` can still load the settings and report on them.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY = (
    "DJANGO_SECRET_KEY is not set. Set it to a long random value (for example the output "
    "of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`) before starting "
    "the service; the built-in development key may be used only with DJANGO_DEBUG=1."
)


def refuse_insecure_settings():
    """Stop a serving process that would sign sessions with the public development key."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(MISSING_KEY)
