"""The portfolio's family-rated figures, worked out here by hand for a small portfolio."""

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services_family
from partnership.models import Role
from reporting.family_figures import family_rated_share, service_against_families
from reporting.filters import parse_filters
from tests.factories import ProjectFactory
from tests.reporting.test_portfolio import make_audit


def family_rates(area, audit, ranks, send=True):
    """The area's family partner rates `audit` with `ranks` (principles 1 to 6)."""
    admin, family = area.members[Role.ADMIN], area.members[Role.FAMILY_PARTNER]
    services_family.family_invite(audit=audit, membership=admin, by=admin.user, members=[family])
    review = audit.family_review
    levels = {level.rank: level for level in audit.framework.levels.all()}
    for rating in review.ratings.select_related("principle"):
        services_family.family_rating_save(
            rating=rating,
            membership=family,
            by=family.user,
            level=levels[ranks[rating.principle.number - 1]],
            comment="",
        )
    if send:
        services_family.family_review_submit(review=review, membership=family, by=family.user)


def filters_for(area, query=""):
    return parse_filters(QueryDict(query), area.partnership, area.members[Role.COMMISSIONER])


def portfolio_of_four(area):
    """Four accepted audits, service at Good (2) everywhere: one rated by families lower on
    principle 1 and higher on principle 2, one rated the same, one rated but not sent."""
    audits = [
        make_audit(area, ProjectFactory(service=area.service), 10 + i, rank=2) for i in range(4)
    ]
    family_rates(area, audits[0], [1, 3, 2, 2, 2, 2])
    family_rates(area, audits[1], [2, 2, 2, 2, 2, 2])
    family_rates(area, audits[2], [1, 1, 1, 1, 1, 1], send=False)
    return audits


def test_share_of_audits_with_family_ratings(area, other_area):
    portfolio_of_four(area)
    # Another partnership's family ratings never count here.
    family_rates(other_area, make_audit(other_area, other_area.project, 5, rank=3), [1] * 6)
    assert family_rated_share(area.partnership, filters_for(area)) == {
        "audits": 4,
        "rated": 2,
        "percent": 50,
    }


def test_how_often_the_service_rated_itself_higher_by_principle(area):
    portfolio_of_four(area)
    rows = {
        row["number"]: row for row in service_against_families(area.partnership, filters_for(area))
    }
    assert sorted(rows) == [1, 2, 3, 4, 5, 6]
    assert rows[1] == {
        "number": 1,
        "pairs": 2,
        "service_higher": 1,
        "service_higher_percent": 50,
        "families_higher": 0,
        "same": 1,
    }
    assert rows[2]["service_higher"] == 0 and rows[2]["families_higher"] == 1
    assert rows[3]["same"] == 2 and rows[3]["service_higher"] == 0


def test_an_empty_portfolio_has_no_family_figures(other_area):
    share = family_rated_share(other_area.partnership, filters_for(other_area))
    assert share == {"audits": 0, "rated": 0, "percent": 0}
    assert service_against_families(other_area.partnership, filters_for(other_area)) == []


def test_the_dashboard_shows_the_family_rated_figures(client_for, area):
    portfolio_of_four(area)
    client = client_for(area, Role.COMMISSIONER)
    html = client.get(reverse("reporting:dashboard", args=[area.partnership.slug])).content.decode()
    assert "Family-rated" in html
    assert "of audits in the portfolio (2 of 4) have family ratings" in html
    assert "1 (50%)" in html


def test_family_figures_make_the_same_queries_whatever_the_data(area):
    def count():
        filters = filters_for(area)
        with CaptureQueriesContext(connection) as ctx:
            family_rated_share(area.partnership, filters)
            service_against_families(area.partnership, filters)
        return len(ctx)

    portfolio_of_four(area)
    before = count()
    assert before <= 3
    for i in range(5):
        audit = make_audit(area, ProjectFactory(service=area.service), 40 + i, rank=3)
        family_rates(area, audit, [1 + i % 3] * 6)
    assert count() == before


def test_the_cached_dashboard_shows_families_ratings_as_soon_as_they_are_sent(
    client_for, area, settings, django_capture_on_commit_callbacks
):
    settings.PORTFOLIO_CACHE_SECONDS = 600
    audits = [make_audit(area, ProjectFactory(service=area.service), 10, rank=2)]
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("reporting:dashboard", args=[area.partnership.slug])

    def share():
        import re

        html = client.get(url).content.decode()
        return re.search(r"\((\d+) of (\d+)\) have family ratings", html).groups()

    assert share() == ("0", "1")
    with django_capture_on_commit_callbacks(execute=True):
        family_rates(area, audits[0], [1, 3, 2, 2, 2, 2])
    assert share() == ("1", "1")


def test_ratings_not_yet_sent_keep_the_cached_dashboard(
    client_for, area, settings, django_capture_on_commit_callbacks
):
    settings.PORTFOLIO_CACHE_SECONDS = 600
    audit = make_audit(area, ProjectFactory(service=area.service), 10, rank=2)
    client = client_for(area, Role.COMMISSIONER)
    url = reverse("reporting:dashboard", args=[area.partnership.slug])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    queries()
    cached = queries()
    with django_capture_on_commit_callbacks(execute=True):
        family_rates(area, audit, [1, 3, 2, 2, 2, 2], send=False)
    assert queries() == cached
    with django_capture_on_commit_callbacks(execute=True):
        services_family.family_review_submit(
            review=audit.family_review,
            membership=area.members[Role.FAMILY_PARTNER],
            by=area.members[Role.FAMILY_PARTNER].user,
        )
    assert queries() > cached
