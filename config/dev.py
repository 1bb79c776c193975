"""What `make run` changes on a developer's machine, so the app looks as people will see it."""

from django.views.defaults import page_not_found


class ProductNotFoundPage:
    """With DEBUG on, Django answers a 404 with its debug page, which lists every URL
    pattern and looks like a crash to someone trying the product. This shows the
    product's own 404 page instead; DJANGO_DEBUG_PAGES=1 brings the debug page back.
    Installed by settings only when DEBUG is on and debug pages were not asked for.
    A view that answers 404 with a page of its own (a survey link that does not work)
    marks it `own_page` and keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and not getattr(response, "own_page", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return page_not_found(request, exception=None)
        return response
