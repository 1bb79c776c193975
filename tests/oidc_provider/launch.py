"""Start the test OpenID Connect provider in a second process, on a free local port."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "jpa-test-client"
CLIENT_SECRET = "test-client-secret-for-the-local-provider"  # noqa: S105


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rsa_key_pem():
    """A new signing key for this run of the tests."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@contextlib.contextmanager
def running_provider(*, people, redirect_uris):
    """Yield the issuer URL of a provider that knows `people` (dicts of email, password,
    name and mfa) and one confidential client allowed to return to `redirect_uris`."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "OIDC_TEST_ISSUER": issuer,
            "OIDC_TEST_DB": str(Path(folder) / "provider.sqlite3"),
            "OIDC_TEST_RSA_KEY": rsa_key_pem(),
            "OIDC_TEST_SETUP": json.dumps(
                {
                    "people": people,
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": redirect_uris,
                }
            ),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        log = open(Path(folder) / "provider.log", "w+")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 240
            while True:
                try:
                    answer = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
                    if answer.ok:
                        break
                except requests.ConnectionError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"The test provider did not start:\n{log.read()}")
                time.sleep(0.2)
            yield issuer
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()
