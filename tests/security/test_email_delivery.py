"""Sign-in and password-reset links are sent by mail in production, never logged."""

import importlib

import yaml
from django.core import checks

from partnership.checks import email_is_really_sent
from tests.test_deployment import ROOT


def test_deploy_checks_warn_when_emails_would_go_to_the_log(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert [w.id for w in email_is_really_sent(None)] == ["jpa.W001"]
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "jpa.W001" in ids
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert email_is_really_sent(None) == []


def test_with_debug_off_the_default_backend_is_smtp(monkeypatch):
    import config.settings as module

    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.delenv("DJANGO_EMAIL_BACKEND", raising=False)
    try:
        assert importlib.reload(module).EMAIL_BACKEND.endswith("smtp.EmailBackend")
        monkeypatch.setenv("DJANGO_DEBUG", "1")
        assert importlib.reload(module).EMAIL_BACKEND.endswith("console.EmailBackend")
    finally:
        monkeypatch.undo()
        # The module goes back to what this process was started with.
        importlib.reload(module)


def test_the_production_stack_sends_email_by_smtp():
    stack = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = stack["x-app"]["environment"]
    assert env["DJANGO_EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert env["EMAIL_HOST"].startswith("${EMAIL_HOST:?")
