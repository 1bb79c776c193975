"""Template values every page may use."""

from .middleware import session_seconds_left


def session(request):
    """The seconds left in a signed-in session, worked out only by a page that shows
    them (the base template, for the expiry warning)."""
    return {"session_seconds_left": lambda: session_seconds_left(request)}
