"""When a sign-in through a partnership's provider counts as two-factor authentication.

It counts when the ID token says a second factor was used (`amr` containing "mfa",
RFC 8176), or when the partnership's admin trusts the provider to enforce it (Entra ID
enforces it by Conditional Access and does not always say so in the token). The
admin's trust holds for that partnership only; the token's word holds everywhere.
"""

SESSION_KEY = "sso_mfa"


def id_token_claims(sociallogin):
    return (sociallogin.account.extra_data or {}).get("id_token") or {}


def token_says_mfa(claims):
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return "mfa" in amr


def provider_mfa(provider, claims):
    """What the session keeps: whether the token said so, and which partnership trusts it."""
    return {
        "amr": token_says_mfa(claims),
        "trusted_partnership": provider.partnership_id if provider.trust_mfa else None,
    }


def counts_for(mfa, partnership_id):
    mfa = mfa or {}
    return bool(mfa.get("amr")) or mfa.get("trusted_partnership") == partnership_id


def session_mfa_counts(request, partnership_id):
    session = getattr(request, "session", None)
    return session is not None and counts_for(session.get(SESSION_KEY), partnership_id)
