"""The production-shaped stack names only things that exist in the project."""

import importlib
import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[1]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def words(command):
    if isinstance(command, list):
        return command
    return shlex.split(command.replace("\n", " "))


def check_command(argv):
    """Each program the stack runs must be installed, and each target must exist here."""
    argv = [a for a in argv if a not in ("CMD", "CMD-SHELL")]
    if argv[:2] == ["sh", "-c"]:
        for part in argv[2].split("&&"):
            check_command(shlex.split(part))
        return
    program = argv[0]
    if program == "python":
        assert argv[1] == "manage.py" and (ROOT / "manage.py").exists()
        assert argv[2] in get_commands(), f"no manage.py command {argv[2]}"
    elif program == "gunicorn":
        module, _, attribute = argv[1].partition(":")
        assert hasattr(importlib.import_module(module), attribute), argv[1]
    elif program == "celery":
        assert argv[1] == "-A"
        assert hasattr(importlib.import_module(argv[2]), "celery_app"), argv[2]
    elif program == "curl":
        path = "/" + argv[-1].split("//", 1)[1].split("/", 1)[1]
        try:
            resolve(path)
        except Resolver404:
            raise AssertionError(f"health check URL {path} does not exist") from None
    elif program in ("pg_isready", "redis-cli", "test"):
        pass  # provided by the postgres and redis images, or the shell
    else:
        assert shutil.which(program) or (ROOT / ".venv" / "bin" / program).exists(), program


def test_stack_has_every_service_with_a_health_check():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert "healthcheck" in service, name


@pytest.fixture
def production_key(settings):
    # The stack always runs with its own secret key; importing the WSGI app without one
    # and with debug off is refused (tests/security/test_secret_key.py).
    settings.SECRET_KEY = "a-production-key-" + "x" * 50


def test_every_command_in_the_stack_exists(production_key):
    services = compose()["services"]
    for service in services.values():
        if "command" in service:
            check_command(words(service["command"]))
        check_command(words(service["healthcheck"]["test"]))


def test_dockerfile_starts_the_wsgi_app(production_key):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile and "config.wsgi:application" in dockerfile
    check_command(["gunicorn", "config.wsgi:application"])
