"""Health checks answer truthfully when the database is really unreachable."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for url in ("/healthz", "/readyz"):
    response = client.get(url)
    answers[url] = [response.status_code, response.content.decode()]
print(json.dumps(answers))
"""


def closed_port():
    """A local port nothing listens on: bind, note the number, close."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_health_checks_with_the_database_unreachable():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/nothing",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["/healthz"] == [200, "ok"]
    status, body = answers["/readyz"]
    assert status == 503
    assert json.loads(body)["database"].startswith("unavailable")


def test_health_checks_when_all_is_well(client, db):
    assert client.get("/healthz").content == b"ok"
    assert client.get("/readyz").json() == {"ready": True, "database": "ok", "broker": "ok"}
