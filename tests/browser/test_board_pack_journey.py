"""A board member makes a board pack from a filtered portfolio, watches it being made and
downloads it, with axe-core run on each state of the pages."""

import re
import threading
import time

import pytest
from playwright.sync_api import expect

from partnership.models import Sector
from reporting import packs, services
from reporting.models import BoardPack
from tests.conftest import make_area
from tests.factories import OrganisationFactory, ProjectFactory, ServiceFactory
from tests.reporting.test_portfolio import make_audit

from .test_portfolio_dashboard import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def york(db):
    area = make_area("york")
    trust = OrganisationFactory(
        partnership=area.partnership, sector=Sector.HEALTH, name="York Hospital Trust"
    )
    therapies = ServiceFactory(organisation=trust, name="Therapies")
    for n in range(5):
        make_audit(area, ProjectFactory(service=therapies, title=f"Clinic {n}"), 30 + n, rank=2)
    make_audit(area, area.project, 40, rank=3)  # a council audit the filter leaves out
    return area


def test_board_member_makes_and_downloads_a_pack(new_page, axe, york, monkeypatch, tmp_path):
    queued = []
    # The worker is played by a thread the test starts, so the page can be seen while queued.
    monkeypatch.setattr(services, "_queue", lambda pack: queued.append(pack.pk))
    original_save = packs._Progress.save

    def slow_save(self, done, stage="Preparing"):
        original_save(self, done, stage)
        time.sleep(0.7)  # long enough for the page to show each step

    monkeypatch.setattr(packs._Progress, "save", slow_save)

    page = new_page()
    sign_in(page, "board_member@york.example")
    page.goto("/york/portfolio/")
    page.get_by_label("Sector", exact=True).select_option(Sector.HEALTH)
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"sector=health"))
    axe(page, "filtered dashboard with the pack button")

    page.get_by_role("button", name="Create board pack").click()
    expect(page.get_by_role("heading", name="All time", level=1)).to_be_visible()
    expect(page.get_by_text("Queued: the pack will be made")).to_be_visible()
    expect(page.get_by_text("Sector: Health")).to_be_visible()
    expect(page.get_by_text("This page updates itself")).to_be_visible()
    axe(page, "pack queued")
    pack = BoardPack.objects.get()
    assert queued == [pack.pk] and pack.filters == {"sector": "health"}

    worker = threading.Thread(target=packs.make, args=(york.partnership.pk, pack.pk))
    worker.start()
    try:
        # The page moves on by itself, without a reload.
        expect(page.get_by_text(re.compile(r"Preparing: [1-5] of 5 audits"))).to_be_visible(
            timeout=20_000
        )
        axe(page, "pack preparing")
        expect(page.get_by_role("heading", name="The pack is ready")).to_be_visible(timeout=30_000)
    finally:
        worker.join(60)
    axe(page, "pack ready")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the board pack")).click()
    path = tmp_path / "pack.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    from tests.reporting.pdf_helpers import text_of

    text = text_of(data)
    assert text.count("Level given to each principle") == 5 and "Clinic 4" in text

    page.get_by_role("link", name="All board packs").click()
    expect(page.get_by_role("heading", name="Board packs", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="Ready")).to_be_visible()
    axe(page, "board packs list")
