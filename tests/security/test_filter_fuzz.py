"""Every filter of every list, portfolio page and export, fed bad values: never a 500,
and the bad value is named."""

import pytest
from django.urls import reverse

from partnership.models import Role
from tests.factories.audits import accepted_audit

BAD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "-99999",
    "99999999999999999999999999",
    "1e309",
    "abc",
    "²",
    "١٢",
    "café ☕",
    "'; DROP TABLE audits_audit; --",
    '"quoted"',
    "<script>alert(1)</script>",
    "%00",
    "\x00",
    "x" * 5000,
    "cy0",
    "fy0",
    "cy10000",
    "fy9999",
    "cy-1",
    "fy99999999999999999999",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "99999-01-01",
]

# Each page and the filters it reads from its query string.
PAGES = {
    "reporting:dashboard": [
        "period",
        "from",
        "to",
        "organisation",
        "sector",
        "service",
        "outcome",
        "include_submitted",
    ],
    "reporting:drill_down": [
        "period",
        "from",
        "to",
        "organisation",
        "sector",
        "service",
        "outcome",
        "figure",
        "principle",
        "level",
        "in_sector",
        "rank",
        "page",
    ],
    "reporting:export_csv": ["period", "from", "to", "organisation", "service", "outcome"],
    "reporting:export_xlsx": ["period", "from", "to", "organisation", "service", "outcome"],
    "partnership:organisation_list": ["q", "sector", "active", "page"],
    "partnership:service_list": ["q", "sector", "organisation", "active", "page"],
    "partnership:project_list": ["q", "sector", "organisation", "service", "status", "page"],
    "partnership:people_list": ["page", "role"],
    "audits:audit_list": ["status"],
    "audits:review_list": ["page"],
}

# What the page calls each filter when it says a value was ignored.
PORTFOLIO_LABELS = {
    "period": "Period",
    "from": "From date",
    "to": "To date",
    "organisation": "Organisation",
    "sector": "Sector",
    "service": "Service",
    "outcome": "Outcome",
}


def consume(response):
    if response.streaming:
        b"".join(response.streaming_content)


@pytest.fixture
def signed_in(client_for, area):
    accepted_audit(area)
    return client_for(area, Role.ADMIN)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_bad_filter_value_breaks_a_page(signed_in, area, name):
    url = reverse(name, args=[area.partnership.slug])
    for param in PAGES[name]:
        for value in BAD_VALUES:
            query = {param: value}
            if param in ("from", "to"):
                query["period"] = "custom"
            response = signed_in.get(url, query)
            consume(response)
            assert response.status_code < 500, (name, param, value)


@pytest.mark.parametrize(
    "query, label",
    [
        ({"period": "cy0"}, "Period"),
        ({"period": "fy0"}, "Period"),
        ({"period": "cy10000"}, "Period"),
        ({"period": "fy9999"}, "Period"),
        ({"period": "cy²"}, "Period"),
        ({"period": "custom", "from": "0000-00-00"}, "From date"),
        ({"period": "custom", "to": "2026-02-30"}, "To date"),
        ({"organisation": "99999999999999999999999999"}, "Organisation"),
        ({"service": "²"}, "Service"),
        ({"outcome": "4"}, "Outcome"),
        ({"sector": "café ☕"}, "Sector"),
    ],
)
def test_the_dashboard_names_the_bad_value(signed_in, area, query, label):
    response = signed_in.get(reverse("reporting:dashboard", args=[area.partnership.slug]), query)
    assert response.status_code == 200
    text = response.content.decode()
    assert label in text
    assert "ignored" in text


def test_a_directory_list_names_the_bad_value(signed_in, area):
    url = reverse("partnership:service_list", args=[area.partnership.slug])
    response = signed_in.get(url, {"organisation": "99999999999999999999999999"}, follow=True)
    assert response.status_code == 200
    assert "The filter “Organisation” was not recognised" in response.content.decode()
