"""The directory import written by a worker: queued, saving n of N, done, failed, and
the promises around it: all or nothing, written once, a dead worker noticed, the file
kept only while it is needed."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partnership import directory_import as di
from partnership import import_jobs
from partnership.models import DirectoryImport, Organisation, Role
from partnership.tasks import directory_import_run
from tests.partnership.test_directory_import import GOOD, counts, csv_file, workbook


def _url(name, area, **kwargs):
    return reverse(f"partnership:{name}", kwargs={"slug": area.partnership.slug, **kwargs})


def preview(client, area, content, name="directory.xlsx"):
    response = client.post(
        _url("directory_import", area), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    return response.context["token"]


@pytest.fixture
def own_media(settings, tmp_path):
    """Files in a folder of this test's own: the tidy-up deletes whatever it finds."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def admin_client(client, area):
    client.force_login(area.members[Role.ADMIN].user)
    return client


def confirm(client, area, token, callbacks, execute=True):
    with callbacks(execute=execute):
        response = client.post(_url("directory_import_confirm", area), {"token": token})
    assert response.status_code == 302
    return DirectoryImport.objects.get(partnership=area.partnership, token=token), response


def test_done_page_lists_what_was_added_with_links(
    area, admin_client, django_capture_on_commit_callbacks
):
    token = preview(admin_client, area, workbook(**GOOD))
    job, response = confirm(admin_client, area, token, django_capture_on_commit_callbacks)
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == DirectoryImport.Status.DONE
    assert job.result["counts"]["Projects"] == [2, 0, 0]
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Directory loaded" in page
    assert "2 added, 0 changed, 0 already the same" in page
    project = area.partnership.projects.get(title="Clinic letters")
    assert f'href="{project.get_absolute_url()}">Paediatrics: Clinic letters</a>' in page
    assert "York Carers Centre: Young carers" in page
    # The file was for this job only: gone once the rows are written.
    assert job.file_removed_at and not default_storage.exists(job.file.name)


def test_a_changed_row_is_reported_as_changed(
    area, admin_client, django_capture_on_commit_callbacks
):
    content = csv_file(di.ORGANISATIONS, [(area.organisation.name, "Health")])
    area.organisation.sector = "local_authority"
    area.organisation.save()
    job, _ = confirm(
        admin_client,
        area,
        preview(admin_client, area, content, "orgs.csv"),
        django_capture_on_commit_callbacks,
    )
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Organisations changed" in page and area.organisation.name in page
    area.organisation.refresh_from_db()
    assert area.organisation.sector == "health"


def test_queued_and_saving_pages_say_how_far_it_has_got(
    area, admin_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    token = preview(admin_client, area, workbook(**GOOD))
    job, _ = confirm(admin_client, area, token, django_capture_on_commit_callbacks, execute=False)
    assert job.status == DirectoryImport.Status.QUEUED and job.rows_total == 6
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Queued: the import will be saved" in page
    assert "js/import_progress.js" in page and "<script>" not in page.split("</header>")[1]
    status = admin_client.get(_url("directory_import_status", area, pk=job.pk)).json()
    assert status["status"] == "queued"

    # A worker has claimed it and reported 4 of 6 rows (as it does while writing).
    assert import_jobs.claim(area.partnership.pk, job.pk) is not None
    import_jobs._report(job, 4, 6)
    with django_assert_max_num_queries(16):
        page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Saving: 4 of 6 rows" in page
    assert 'value="4"' in page
    status = admin_client.get(_url("directory_import_status", area, pk=job.pk))
    assert status.json() == {
        "status": "saving",
        "done": 4,
        "total": 6,
        "message": "Saving: 4 of 6 rows",
    }
    assert "no-store" in status["Cache-Control"]


def test_a_task_run_twice_writes_once(area, admin_client, django_capture_on_commit_callbacks):
    token = preview(admin_client, area, workbook(**GOOD))
    job, _ = confirm(admin_client, area, token, django_capture_on_commit_callbacks, execute=False)
    before = counts()
    directory_import_run(area.partnership.pk, job.pk)
    directory_import_run(area.partnership.pk, job.pk)
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 2)
    assert DirectoryImport.objects.filter(partnership=area.partnership).count() == 1


def test_a_failure_saves_nothing_and_try_again_saves_all(
    area, admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    token = preview(admin_client, area, workbook(**GOOD))
    before = counts()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(di.services, "project_create", broken)
        job, _ = confirm(admin_client, area, token, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == DirectoryImport.Status.FAILED
    assert counts() == before
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "The import could not be saved" in page and "nothing was saved" in page
    assert "Try again" in page
    # The file is kept for "Try again", which saves everything once the cause is gone.
    assert default_storage.exists(job.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_url("directory_import_retry", area, pk=job.pk))
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == DirectoryImport.Status.DONE
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 2)


def test_a_directory_changed_since_the_preview_is_named_and_nothing_saved(
    area, admin_client, django_capture_on_commit_callbacks
):
    content = csv_file(di.SERVICES, [(area.organisation.name, "Respite", "")])
    token = preview(admin_client, area, content, "services.csv")
    # Before the worker gets to it, the organisation the rows name is renamed.
    Organisation.objects.filter(pk=area.organisation.pk).update(name="Renamed Council")
    before = counts()
    job, _ = confirm(admin_client, area, token, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == DirectoryImport.Status.FAILED
    assert "The directory changed after the file was checked" in job.failure_reason
    assert job.problems and job.problems[0].startswith("Services, Row 2, Organisation")
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Rows that no longer fit" in page
    assert counts() == before


def test_a_worker_that_died_is_shown_as_failed(
    area, admin_client, django_capture_on_commit_callbacks, settings
):
    token = preview(admin_client, area, workbook(**GOOD))
    job, _ = confirm(admin_client, area, token, django_capture_on_commit_callbacks, execute=False)
    import_jobs.claim(area.partnership.pk, job.pk)
    # Still within the time a worker may stay silent: saving.
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Saving:" in page
    long_ago = timezone.now() - timedelta(minutes=settings.DIRECTORY_IMPORT_STUCK_MINUTES + 1)
    DirectoryImport.objects.filter(pk=job.pk).update(started_at=long_ago)
    import_jobs._cache().delete(import_jobs._progress_key(job))
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "The import stopped before it was finished" in page
    assert "Try again" in page


def test_a_worker_still_writing_after_being_failed_leaves_nothing(
    area, admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    token = preview(admin_client, area, workbook(**GOOD))
    job, _ = confirm(admin_client, area, token, django_capture_on_commit_callbacks, execute=False)
    real = di.directory_import

    def slow(**kwargs):
        plan = real(**kwargs)
        # Meanwhile the job was given up as stuck.
        DirectoryImport.objects.filter(pk=job.pk).update(status=DirectoryImport.Status.FAILED)
        return plan

    monkeypatch.setattr(di, "directory_import", slow)
    before = counts()
    assert import_jobs.run(area.partnership.pk, job.pk) is None
    assert counts() == before


def test_only_admins_see_jobs_and_another_partnerships_job_is_404(
    area, other_area, client, django_capture_on_commit_callbacks
):
    client.force_login(area.members[Role.ADMIN].user)
    token = preview(client, area, workbook(**GOOD))
    job, _ = confirm(client, area, token, django_capture_on_commit_callbacks, execute=False)
    client.force_login(area.members[Role.COMMISSIONER].user)
    assert client.get(job.get_absolute_url()).status_code == 403
    client.force_login(other_area.members[Role.ADMIN].user)
    foreign = reverse(
        "partnership:directory_import_detail",
        kwargs={"slug": other_area.partnership.slug, "pk": job.pk},
    )
    assert client.get(foreign).status_code == 404


def test_the_tidy_up_removes_old_failed_files(area, settings, own_media):
    path = default_storage.save(f"imports/{area.partnership.pk}/old.csv", ContentFile(b"x"))
    job = DirectoryImport.objects.create(
        partnership=area.partnership,
        token="t",
        file_name="old.csv",
        file=path,
        status=DirectoryImport.Status.FAILED,
        finished_at=timezone.now() - timedelta(days=settings.DIRECTORY_IMPORT_KEEP_FAILED_DAYS + 1),
    )
    assert import_jobs.directory_imports_tidy() == 1
    assert not default_storage.exists(path)
    job.refresh_from_db()
    assert job.file_removed_at


def test_a_preview_never_confirmed_has_its_file_deleted_a_day_later(
    area, own_media, admin_client, django_capture_on_commit_callbacks
):
    token = preview(admin_client, area, workbook(**GOOD))
    waiting = admin_client.session["directory_import"]["path"]
    confirmed_token = preview(admin_client, area, workbook(**GOOD), "second.xlsx")
    job, _ = confirm(
        admin_client, area, confirmed_token, django_capture_on_commit_callbacks, execute=False
    )
    assert token != confirmed_token and not default_storage.exists(waiting)  # replaced
    abandoned = default_storage.save(
        f"imports/{area.partnership.pk}/abandoned.csv", ContentFile(b"x")
    )
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    import_jobs.directory_imports_tidy(now=tomorrow)
    assert not default_storage.exists(abandoned)
    # The queued job's file is its own until it is written.
    assert default_storage.exists(job.file.name)
