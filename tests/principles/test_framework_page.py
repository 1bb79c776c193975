"""The framework page: every member can read and print the rubric their audits use."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from partnership.models import Role
from principles.models import YORK_2020_TITLE, Framework, PartnershipFramework
from tests.factories.principles import FrameworkFactory

pytestmark = pytest.mark.django_db


def current_url(area):
    return reverse("principles:framework_current", kwargs={"slug": area.partnership.slug})


def detail_url(area, framework):
    return reverse(
        "principles:framework_detail", kwargs={"slug": area.partnership.slug, "pk": framework.pk}
    )


def text_of(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize("role", Role.values)
def test_every_role_sees_york_2020_by_default(client_for, area, role):
    response = client_for(area, role).get(current_url(area))
    assert response.status_code == 200
    page = text_of(response)
    assert YORK_2020_TITLE in page
    assert "The framework this partnership's audits use" in page


def test_page_shows_principles_commitments_indicators_and_descriptors(client_for, area):
    page = text_of(client_for(area, Role.SERVICE_LEAD).get(current_url(area)))
    for heading in ("Principle", "Joint partnership indicator", "Room for Improvement", "Good"):
        assert heading in page
    assert "1. We value the importance of children, young people and their parents/carers" in page
    assert "We share best practice and celebrate successes" in page
    assert "We want children, young people parents to educate us" in page
    assert "Sharing responsibility in the designing and delivery of services" in page
    assert "Cycle of continual feedback is evident throughout process." in page
    assert "Requires Improvement, Good, Outstanding" in page
    assert "September 2020, Appendix 1" in page


def test_descriptor_paragraphs_stay_paragraphs(client_for, area):
    html = client_for(area, Role.COMMISSIONER).get(current_url(area)).content.decode()
    assert ">Feedback was not provided consistently or on time.</p>" in html
    assert "<p" in html and "<b>" not in html


def test_the_partnership_choice_is_the_current_framework(client_for, area):
    own = FrameworkFactory(partnership=area.partnership, title="Alpha local rubric", principles=2)
    PartnershipFramework.objects.create(partnership=area.partnership, framework=own)
    page = text_of(client_for(area, Role.BOARD_MEMBER).get(current_url(area)))
    assert "Alpha local rubric" in page
    assert YORK_2020_TITLE not in page
    assert "We keep promise 2" in page


def test_shared_and_own_frameworks_open_another_partnerships_does_not(client_for, area, other_area):
    client = client_for(area, Role.FAMILY_PARTNER)
    york = Framework.objects.get(title=YORK_2020_TITLE, version=1)
    own = FrameworkFactory(partnership=area.partnership, title="Alpha draft", status="draft")
    foreign = FrameworkFactory(partnership=other_area.partnership, title="Beta secret")
    assert client.get(detail_url(area, york)).status_code == 200
    response = client.get(detail_url(area, own))
    assert response.status_code == 200
    assert "Draft" in text_of(response)
    response = client.get(detail_url(area, foreign))
    assert response.status_code == 404
    assert "Beta secret" not in response.content.decode()


def test_no_framework_at_all_says_so(client_for, area):
    Framework.objects.filter(title=YORK_2020_TITLE).update(status=Framework.Status.RETIRED)
    response = client_for(area, Role.ADMIN).get(current_url(area))
    assert response.status_code == 200
    assert "No framework has been chosen for this partnership yet." in text_of(response)


def test_page_queries_do_not_grow_with_the_rubric(client_for, area, django_assert_max_num_queries):
    client = client_for(area, Role.ADMIN)
    small = FrameworkFactory(partnership=area.partnership, principles=2)
    large = FrameworkFactory(partnership=area.partnership, principles=12)
    # Sign-in, session and membership take a handful; the rubric itself takes five.
    with django_assert_max_num_queries(20):
        small_response = client.get(detail_url(area, small))
    with django_assert_max_num_queries(20) as large_queries:
        large_response = client.get(detail_url(area, large))
    assert "We keep promise 12" in text_of(large_response)
    assert "We keep promise 2" in text_of(small_response)
    with django_assert_max_num_queries(len(large_queries.captured_queries)):
        client.get(detail_url(area, small))


def test_page_is_printable(client_for, area):
    html = client_for(area, Role.ADMIN).get(current_url(area)).content.decode()
    # The print rules are in a stylesheet of their own (no inline styles under the
    # content security policy).
    assert 'href="/static/css/rubric.css"' in html
    rubric_css = (settings.BASE_DIR / "static" / "css" / "rubric.css").read_text()
    assert "@media print" in rubric_css and "size: A4 landscape" in rubric_css
    assert 'class="govuk-table app-rubric__table"' in html
    assert '<th scope="row" class="govuk-table__header">' in html


def test_framework_page_says_the_outcome_has_its_own_scale(client_for, area):
    html = (
        client_for(area, "board_member")
        .get(reverse("principles:framework_current", kwargs={"slug": area.partnership.slug}))
        .content.decode()
    )
    assert "The overall outcome has its own scale (Requires Improvement, Good, Outstanding)" in html
    assert (
        "separate from the levels of each principle (Room for Improvement, Good, Excellent)" in html
    )
    assert "Outstanding is suggested when at least 4 principles are Excellent" in html
