"""Run the test provider: make its database, people and client, then serve HTTP.

OIDC_TEST_ISSUER=... OIDC_TEST_DB=... OIDC_TEST_RSA_KEY=... OIDC_TEST_SETUP=<json>
python -m tests.oidc_provider.serve PORT
"""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    port = int(sys.argv[1])
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    setup = json.loads(os.environ["OIDC_TEST_SETUP"])
    mfa = Group.objects.create(name="mfa")
    for person in setup["people"]:
        user = User.objects.create_user(
            username=person["email"],
            email=person["email"],
            password=person["password"],
            first_name=person.get("name", ""),
        )
        if person.get("mfa"):
            user.groups.add(mfa)
    Application.objects.create(
        name="Joint Partnership Audit",
        client_id=setup["client_id"],
        client_secret=setup["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(setup["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
