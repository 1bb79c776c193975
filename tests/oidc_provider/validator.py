from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Claims like Entra ID's: email and name, and `amr` with "mfa" for the people in the
    provider's "mfa" group (as if they had used a second factor)."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid"}

    def get_additional_claims(self, request):
        user = request.user
        used_mfa = user.groups.filter(name="mfa").exists()
        return {
            "email": user.email,
            "email_verified": True,
            "name": f"{user.first_name} {user.last_name}".strip(),
            "preferred_username": user.email,
            "amr": ["pwd", "mfa"] if used_mfa else ["pwd"],
        }
