"""A serving process refuses to start on the public development key with debug off."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(argv, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_DEBUG": "0", "PYTHONPATH": str(ROOT), **extra})
    return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_web_app_refuses_to_start_without_a_secret_key():
    result = run([sys.executable, "-c", "import config.wsgi"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_web_app_starts_with_a_secret_key():
    result = run([sys.executable, "-c", "import config.wsgi"], DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr


def test_the_development_key_is_allowed_only_with_debug_on():
    result = run([sys.executable, "-c", "import config.wsgi"], DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_the_worker_refuses_to_start_without_a_secret_key(tmp_path):
    celery = Path(sys.executable).with_name("celery")
    result = run(
        [str(celery), "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"],
        DJANGO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr + result.stdout
