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
