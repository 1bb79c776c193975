"""The client secret of a partnership's sign-in provider, encrypted at rest.

The key is derived from SECRET_KEY, so a copy of the database alone does not give the
secret away; SECRET_KEY_FALLBACKS still open secrets saved before a key rotation.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_PURPOSE = b"jpa sign-in provider client secret"


def _fernet(secret_key):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys():
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(key) for key in keys])


def secret_encrypt(value: str) -> str:
    return _keys().encrypt(value.encode()).decode()


def secret_decrypt(token: str) -> str:
    """The secret, or "" when it was saved under a key this server no longer has
    (the admin enters it again)."""
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
