"""Every error is JSON: {"detail": ..., "code": ...} and, for bad input, the fields."""

from django.db import connection, transaction
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    from .authentication import KeyRefused

    if isinstance(exc, KeyRefused) and connection.in_atomic_block:
        # A refused key is refused before anything else is done; the only write is the
        # security log's record of it, which the request's rollback would otherwise undo.
        transaction.set_rollback(False)
    if isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
        codes = exc.get_codes()
        if "detail" in response.data and isinstance(codes, str):
            response.data["code"] = codes
    if response.status_code == 404:
        # One answer for "does not exist" and "belongs to another partnership".
        response.data = {"detail": "Not found.", "code": "not_found"}
    return response
