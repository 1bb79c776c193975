"""The directory import's page in every state (queued, saving, done, failed), with axe
and the 320 px check, updating itself while a worker saves the rows; and without
JavaScript, a refresh shows the same."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from partnership import directory_import as di
from partnership import import_jobs
from partnership.models import DirectoryImport, Organisation, Role
from tests.browser.test_api_keys_and_import import sign_in
from tests.conftest import make_area

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "import-progress"
CSV = "Name,Sector\nTrust for Testing,Health\nForum for Families,Parent carer forum\n"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def confirm_a_file(page, tmp_path, name):
    path = tmp_path / name
    path.write_text(CSV)
    page.goto("/york/import/")
    page.get_by_label("Upload the filled-in template").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Save all of these").click()
    page.wait_for_url(re.compile(r"/york/import/\d+/$"))
    return DirectoryImport.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))


def test_every_state_of_the_import_page(new_page, axe, tmp_path, monkeypatch):
    area = make_area("york")
    # No worker here: the job waits until the test plays the worker's part.
    monkeypatch.setattr(import_jobs, "_queue", lambda job: None)
    page = new_page()
    sign_in(page, area.members[Role.ADMIN].user.email)
    page.wait_for_url(re.compile(r"/york/$"))

    job = confirm_a_file(page, tmp_path, "directory.csv")
    expect(page.get_by_text("Queued: the import will be saved")).to_be_visible()
    expect(page.get_by_text("This page updates itself")).to_be_visible()
    axe(page, "import queued")
    shot(page, "1-queued")

    # The worker claims it and reports progress; the page follows without reloading.
    page.evaluate("window.stillTheSamePage = true")
    import_jobs.claim(area.partnership.pk, job.pk)
    import_jobs._report(job, 1, 2)
    expect(page.get_by_text("Saving: 1 of 2 rows")).to_be_visible()
    expect(page.locator(".govuk-tag")).to_have_text("Saving")
    assert page.evaluate("window.stillTheSamePage") is True
    axe(page, "import saving")
    shot(page, "2-saving")

    # The worker finishes: the page shows the result by itself.
    DirectoryImport.objects.filter(pk=job.pk).update(status=DirectoryImport.Status.QUEUED)
    import_jobs.run(area.partnership.pk, job.pk)
    expect(page.get_by_role("heading", name="Directory loaded")).to_be_visible()
    expect(page.get_by_text("Organisations added")).to_be_visible()
    axe(page, "import done")
    shot(page, "3-done")
    assert Organisation.objects.filter(name="Forum for Families").exists()

    # A failure: nothing saved, the reason, and Try again.
    Organisation.objects.filter(name__in=["Trust for Testing", "Forum for Families"]).delete()
    job = confirm_a_file(page, tmp_path, "again.csv")
    with monkeypatch.context() as patch:

        def broken(**kwargs):
            raise RuntimeError("disk full")

        patch.setattr(di.services, "organisation_create", broken)
        import_jobs.run(area.partnership.pk, job.pk)
    expect(page.get_by_role("heading", name="The import could not be saved")).to_be_visible()
    assert not Organisation.objects.filter(name="Forum for Families").exists()
    axe(page, "import failed")
    shot(page, "4-failed")
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Queued: the import will be saved")).to_be_visible()
    import_jobs.run(area.partnership.pk, job.pk)
    expect(page.get_by_role("heading", name="Directory loaded")).to_be_visible()

    # The upload page lists the earlier imports.
    page.goto("/york/import/")
    expect(page.get_by_role("heading", name="Earlier imports")).to_be_visible()
    axe(page, "import page with earlier imports")


def test_without_javascript_a_refresh_shows_progress(browser, live_server, tmp_path, monkeypatch):
    area = make_area("york")
    monkeypatch.setattr(import_jobs, "_queue", lambda job: None)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, area.members[Role.ADMIN].user.email)
        page.wait_for_url(re.compile(r"/york/$"))
        job = confirm_a_file(page, tmp_path, "directory.csv")
        expect(page.get_by_text("Refresh this page to see how far it has got.")).to_be_visible()
        import_jobs.claim(area.partnership.pk, job.pk)
        import_jobs._report(job, 1, 2)
        page.reload()
        expect(page.get_by_text("Saving: 1 of 2 rows")).to_be_visible()
        shot(page, "5-saving-without-javascript")
    finally:
        context.close()
