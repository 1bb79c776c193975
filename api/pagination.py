from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class CappedPagination(PageNumberPagination):
    """`page` and `page_size`; a page size over the limit is capped, and the answer says so."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        self.notice = None
        asked = request.query_params.get(self.page_size_query_param, "")
        size = super().get_page_size(request)
        if asked.isascii() and asked.isdigit() and int(asked) > self.max_page_size:
            self.notice = (
                f"page_size {int(asked)} is over the limit of {self.max_page_size}; "
                f"{self.max_page_size} are returned per page."
            )
        return size

    def get_paginated_response(self, data):
        body = {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "page_size": self.page.paginator.per_page,
        }
        if self.notice:
            body["notice"] = self.notice
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema):
        wrapped = super().get_paginated_response_schema(schema)
        wrapped["properties"]["page_size"] = {"type": "integer", "example": 50}
        wrapped["properties"]["notice"] = {
            "type": "string",
            "description": "Present when the page size asked for was over the limit.",
        }
        return wrapped
