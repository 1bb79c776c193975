"""A local OpenID Connect provider for trying "Sign in with your council or NHS account"
on a developer's machine (the one the tests use, tests/oidc_provider/).

    make oidc-provider            # provider on 127.0.0.1:8001, for the app on :8000
    DEMO_OIDC_ISSUER=http://127.0.0.1:8001/o make run

York's demo people have accounts at it with the demo password; the admin's and the
commissioner's say they used a second factor (amr "mfa"), the others' do not.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sso.demo_provider import (  # noqa: E402
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
)
from tests.oidc_provider.launch import rsa_key_pem  # noqa: E402


def main():
    port = int(os.environ.get("OIDC_PORT", "8001"))
    app_url = os.environ.get("APP_URL", "http://127.0.0.1:8000").rstrip("/")
    folder = ROOT / "var" / "oidc-provider"
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "provider.sqlite3"
    database.unlink(missing_ok=True)
    people = [
        {"email": email, "password": DEMO_PASSWORD, "name": name, "mfa": mfa}
        for email, name, mfa in DEMO_PEOPLE
    ]
    os.environ.update(
        {
            "OIDC_TEST_ISSUER": f"http://127.0.0.1:{port}/o",
            "OIDC_TEST_DB": str(database),
            "OIDC_TEST_RSA_KEY": rsa_key_pem(),
            "OIDC_TEST_SETUP": json.dumps(
                {
                    "people": people,
                    "client_id": DEMO_CLIENT_ID,
                    "client_secret": DEMO_CLIENT_SECRET,
                    "redirect_uris": [f"{app_url}/accounts/oidc/york/login/callback/"],
                }
            ),
        }
    )
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    print(f"Provider at http://127.0.0.1:{port}/o for the app at {app_url}", flush=True)
    sys.argv = ["serve", str(port)]
    from tests.oidc_provider.serve import main as serve

    serve()


if __name__ == "__main__":
    main()
