def navigation(request):
    """The partnership and membership the access layer resolved, for the header."""
    return {
        "partnership": getattr(request, "partnership", None),
        "membership": getattr(request, "membership", None),
    }
