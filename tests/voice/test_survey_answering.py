"""Families answer the feedback survey with no account, one question a page."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.surveys import survey_link
from voice.models import SurveyAnswer, SurveyResponse
from voice.surveys.questions import STATEMENTS, STEP_KEYS

SEED_002 = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds" / "002_93d9655733f1366d.txt"
)


@pytest.fixture(autouse=True)
def _no_minimum_time(settings):
    settings.SURVEY_MIN_SECONDS = 0


def start_url(link, slug=None):
    return reverse("voice:survey_start", args=[slug or link.partnership.slug, link.token])


def q_url(link, number):
    return reverse("voice:survey_question", args=[link.partnership.slug, link.token, number])


def check_url(link):
    return reverse("voice:survey_check", args=[link.partnership.slug, link.token])


ANSWERS = {
    "statement_1": {"answer": "5"},
    "statement_2": {"answer": "4"},
    "statement_3": {"answer": "2"},
    "statement_4": {"answer": "1"},
    "statement_5": {"answer": "0"},
    "meaningful": {"answer": "partly"},
    "change": {"answer": "More evening meetings, please."},
    "respondent": {"answer": "parent_carer"},
    "contact": {"answer": "no"},
}


def answer_all(client, link, overrides=None, words="standard"):
    assert client.post(start_url(link), {"words": words}).status_code == 302
    for number, key in enumerate(STEP_KEYS, start=1):
        data = (overrides or {}).get(key, ANSWERS[key])
        response = client.post(q_url(link, number), data)
        assert response.status_code == 302, (key, response.content[:500])
    return client.get(check_url(link))


def test_a_parent_answers_every_question_and_sends_once(client, area):
    link = survey_link(area)
    page = client.get(start_url(link))
    assert page.status_code == 200
    assert area.project.title in page.content.decode()
    check = answer_all(client, link)
    html = check.content.decode()
    assert "Check your answers" in html
    assert "More evening meetings, please." in html
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    sent = client.post(check_url(link), {"submission": submission})
    assert sent.status_code == 302 and "thank-you" in sent.url
    response = SurveyResponse.objects.get()
    assert response.project == area.project
    assert response.meaningful == "partly"
    assert response.respondent == "parent_carer"
    assert response.change_text == "More evening meetings, please."
    assert not response.contact_consent and response.contact_details == ""
    assert dict(response.answers.values_list("statement", "agreement")) == {
        1: 5,
        2: 4,
        3: 2,
        4: 1,
        5: SurveyAnswer.Agreement.DOES_NOT_APPLY,
    }
    # The same form sent again (a double click, the back button): still one answer.
    again = client.post(check_url(link), {"submission": submission})
    assert again.status_code == 302 and "thank-you" in again.url
    assert SurveyResponse.objects.count() == 1
    assert "Your answers have been sent" in client.get(sent.url).content.decode()


def test_two_posts_of_one_check_page_in_a_row_make_one_answer(client, area):
    link = survey_link(area)
    html = answer_all(client, link).content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    first = client.post(check_url(link), {"submission": submission})
    second = client.post(check_url(link), {"submission": submission})
    assert first.status_code == second.status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_every_page_shows_nothing_of_the_partnership_but_the_project_and_service(client, area):
    link = survey_link(area)
    pages = [client.get(start_url(link)), client.get(start_url(link) + "?words=simple")]
    client.post(start_url(link), {"words": "standard"})
    for number in range(1, len(STEP_KEYS) + 1):
        pages.append(client.get(q_url(link, number)))
    pages.append(answer_all(client, link))
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert area.partnership.name not in html
        assert area.organisation.name not in html
        assert area.members["admin"].user.email not in html
        assert area.service.name in html


def test_statements_quote_herefordshire_exactly(client, area):
    seed = SEED_002.read_text(encoding="utf-8")
    link = survey_link(area)
    client.post(start_url(link), {"words": "standard"})
    for number, text in STATEMENTS.items():
        assert text in seed
        assert text in client.get(q_url(link, number)).content.decode()


def test_young_persons_version_uses_simpler_words(client, area):
    link = survey_link(area)
    start = client.get(start_url(link) + "?words=simple").content.decode()
    assert "Tell us what you think" in start
    client.post(start_url(link), {"words": "simple"})
    page = client.get(q_url(link, 1)).content.decode()
    assert "People treated me as an equal" in page
    assert "This did not happen to me" in page
    assert STATEMENTS[1] not in page


def test_a_question_left_unanswered_says_what_to_do_and_keeps_the_page(client, area):
    link = survey_link(area)
    client.post(start_url(link), {"words": "standard"})
    response = client.post(q_url(link, 1), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Select how far you agree, or “Does not apply”" in html


def test_ten_thousand_characters_are_refused_with_the_limit_and_kept(client, area):
    link = survey_link(area)
    client.post(start_url(link), {"words": "standard"})
    page = client.get(q_url(link, STEP_KEYS.index("change") + 1)).content.decode()
    assert "You can write up to 1,000 characters" in page
    typed = "x" * 10_000
    response = client.post(q_url(link, STEP_KEYS.index("change") + 1), {"answer": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert "must be 1,000 characters or fewer" in html
    assert typed in html


def test_contact_details_are_kept_only_with_consent(client, area):
    link = survey_link(area)
    html = answer_all(
        client,
        link,
        {"contact": {"answer": "no", "contact_name": "Ann", "contact_details": "ann@example.org"}},
    ).content.decode()
    assert "ann@example.org" not in html
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    client.post(check_url(link), {"submission": submission})
    response = SurveyResponse.objects.get()
    assert response.contact_details == "" and response.contact_name == ""

    client.post(start_url(link), {"words": "standard"})
    contact = STEP_KEYS.index("contact") + 1
    refused = client.post(q_url(link, contact), {"answer": "yes"})
    assert "Enter your email address or phone number, or choose No" in refused.content.decode()


def test_a_closed_link_gets_a_kind_page(client, area):
    from voice.surveys import services

    link = survey_link(area)
    client.post(start_url(link), {"words": "standard"})
    services.survey_link_close(link=link)
    for url in (start_url(link), q_url(link, 1), check_url(link)):
        response = client.get(url)
        assert response.status_code == 410
        assert "This survey is closed" in response.content.decode()
    assert client.post(check_url(link), {"submission": "x"}).status_code == 410
    assert SurveyResponse.objects.count() == 0


def test_a_link_past_its_closing_date_says_when_it_closed(client, area):
    yesterday = timezone.localdate() - timedelta(days=1)
    link = survey_link(area, closes_on=yesterday)
    response = client.get(start_url(link))
    assert response.status_code == 410
    assert f"closed on {yesterday:%-d %B %Y}" in response.content.decode()
    today_link = survey_link(area, closes_on=timezone.localdate())
    assert client.get(start_url(today_link)).status_code == 200


def test_an_altered_link_or_another_partnerships_slug_gets_the_same_kind_page(
    client, area, other_area
):
    link = survey_link(area)
    changed = link.token[:-1] + ("Q" if link.token[-1] != "Q" else "R")
    altered = reverse("voice:survey_start", args=[area.partnership.slug, changed])
    elsewhere = start_url(link, slug=other_area.partnership.slug)
    for url in (altered, elsewhere):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404
        assert "This survey link does not work" in html
        assert area.project.title not in html


def test_a_hidden_field_filled_in_keeps_nothing(client, area):
    link = survey_link(area)
    html = answer_all(client, link).content.decode()
    assert 'class="app-survey-trap"' in html
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    response = client.post(check_url(link), {"submission": submission, "website": "http://spam"})
    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 0


def test_answers_sent_too_fast_are_not_kept(client, area, settings):
    settings.SURVEY_MIN_SECONDS = 3600
    link = survey_link(area)
    html = answer_all(client, link).content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    response = client.post(check_url(link), {"submission": submission})
    assert response.status_code == 400
    assert "Please take a moment to check your answers" in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def _send(client, link, **extra):
    html = answer_all(client, link).content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    return client.post(check_url(link), {"submission": submission}, **extra)


def test_answers_are_limited_per_device_and_per_address(client, area, settings):
    from django.test import Client

    settings.SURVEY_PER_DEVICE = 2
    settings.SURVEY_PER_ADDRESS = 3
    link = survey_link(area)
    client.get(start_url(link))  # the device's cookie
    assert _send(client, link).status_code == 302
    assert _send(client, link).status_code == 302
    limited = _send(client, link)
    assert limited.status_code == 429
    assert "Too many answers from this device" in limited.content.decode()
    assert SurveyResponse.objects.count() == 2
    # Another device at the same address may answer until the address's limit.
    other = Client()
    other.get(start_url(link))
    assert _send(other, link).status_code == 302
    assert _send(Client(), link).status_code == 429
    # A device at another address is not held back by this one.
    far = Client(REMOTE_ADDR="203.0.113.9")
    assert _send(far, link).status_code == 302
    assert SurveyResponse.objects.count() == 4


def test_the_survey_needs_no_account_and_no_session_to_open(client, area):
    link = survey_link(area)
    # Straight to a question without starting: back to the start, nothing kept.
    response = client.get(q_url(link, 3))
    assert response.status_code == 302 and response.url == start_url(link)
    assert client.post(check_url(link), {"submission": "made-up"}).status_code == 302
    assert SurveyResponse.objects.count() == 0


def test_survey_pages_use_a_bounded_number_of_queries(client, area, django_assert_max_num_queries):
    link = survey_link(area)
    with django_assert_max_num_queries(8):
        client.get(start_url(link))
    client.post(start_url(link), {"words": "standard"})
    with django_assert_max_num_queries(8):
        client.get(q_url(link, 1))
    answer_all(client, link)
    with django_assert_max_num_queries(8):
        client.get(check_url(link))
