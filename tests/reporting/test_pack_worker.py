"""A board pack made by a real Celery worker through Redis, not eagerly in the test.

The rest of the suite runs tasks eagerly (tests/conftest.py); this test publishes the task
to the broker the settings name and lets a worker thread consume it, as production does.
It needs REDIS_URL: without it the test is skipped on a developer's machine and fails in CI.
"""

import time

import pytest
from django.conf import settings
from django.core import mail

from config.celery import app as celery_app
from partnership.models import Role
from reporting import packs, services
from reporting.models import BoardPack
from tests.conftest import IN_CI


@pytest.fixture
def redis_worker():
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("REDIS_URL must be set in CI: the worker test needs Redis")
        pytest.skip("REDIS_URL is not set; this test needs Redis")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis is not reachable: {error}")
        pytest.skip(f"Redis is not reachable: {error}")
    from celery.contrib.testing.worker import start_worker

    assert celery_app.conf.broker_url.startswith("redis://")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_pack(area, redis_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    filters = packs.filters_for(area.partnership, {"period": "all"})
    # Committed like a web request: on commit the task is published to Redis.
    pack, created = services.board_pack_request(
        partnership=area.partnership, by=area.members[Role.BOARD_MEMBER].user, filters=filters
    )
    assert created
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        pack.refresh_from_db()
        if pack.status in (BoardPack.Status.READY, BoardPack.Status.FAILED):
            break
        time.sleep(0.2)
    assert pack.status == BoardPack.Status.READY, pack.failure_reason or pack.status
    assert pack.file.open("rb").read(5) == b"%PDF-"
    assert pack.started_at and pack.finished_at and pack.data_read_at
    # The email goes out just after the pack is marked ready.
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [[area.members[Role.BOARD_MEMBER].user.email]]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_an_audits_pdf(area, redis_worker):
    from reporting.models import AuditPdf
    from tests.factories.audits import accepted_audit

    audit = accepted_audit(area)
    record, created = services.audit_pdf_request(audit=audit, by=None)
    assert created
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        record.refresh_from_db()
        if record.status in (AuditPdf.Status.READY, AuditPdf.Status.FAILED):
            break
        time.sleep(0.2)
    assert record.status == AuditPdf.Status.READY, record.failure_reason or record.status
    assert record.file.open("rb").read(5) == b"%PDF-"
    assert record.page_count > 1 and record.pages_done == record.page_count
