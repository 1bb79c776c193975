"""How the schema describes the API key header."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PartnershipKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PartnershipKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`, with a key made on the partnership's API keys page",
        }


# The range of an integer column depends on the database (SQLite reports 64-bit bounds,
# PostgreSQL the column's own); the committed schema must not depend on where it was made.
DATABASE_BOUNDS = {32767, 2147483647, 9223372036854775807}


def drop_database_integer_bounds(result, generator, request, public):
    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "integer":
                if node.get("maximum") in DATABASE_BOUNDS:
                    node.pop("maximum")
                    node.pop("format", None)
                if node.get("minimum") in {-b - 1 for b in DATABASE_BOUNDS}:
                    node.pop("minimum")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
