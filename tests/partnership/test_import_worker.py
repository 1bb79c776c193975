"""A directory import saved by a real Celery worker through Redis, as production does.

Like the board pack's worker test, it needs REDIS_URL: skipped on a developer's machine
without it, a failure in CI.
"""

import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from partnership import import_jobs
from partnership.models import DirectoryImport, Project, Role
from tests.partnership.test_directory_import import GOOD, workbook
from tests.reporting.test_pack_worker import redis_worker  # noqa: F401 (a fixture)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_saves_the_import(area, redis_worker):  # noqa: F811
    path = default_storage.save(
        f"imports/{area.partnership.pk}/worker-test.xlsx", ContentFile(workbook(**GOOD))
    )
    # Committed like the confirming request: on commit the task is published to Redis.
    job, created = import_jobs.directory_import_request(
        partnership=area.partnership,
        by=area.members[Role.ADMIN].user,
        token="worker-test",
        path=path,
        file_name="directory.xlsx",
        rows_total=6,
    )
    assert created
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (DirectoryImport.Status.DONE, DirectoryImport.Status.FAILED):
            break
        time.sleep(0.2)
    assert job.status == DirectoryImport.Status.DONE, job.failure_reason or job.status
    assert job.started_at and job.finished_at
    assert set(
        Project.objects.filter(partnership=area.partnership).values_list("title", flat=True)
    ) >= {"Young carers' voice", "Clinic letters"}
    # The file is deleted just after the rows are committed.
    while default_storage.exists(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not default_storage.exists(path)
