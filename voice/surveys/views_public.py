"""The survey families answer: no account, one question a page, answers kept in the
session between pages, then check your answers and send.

These pages are public (listed so in tests/test_tenancy.py). They show the project and
service name and nothing else of the partnership; the link's token is the only key, and
a link of another partnership, or one with a changed token, is the same kind page.
"""

import logging
import secrets
import time

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from voice.models import SurveyLink, SurveyResponse

from . import protection, questions, services
from .forms import NOT_SAID, QuestionForm
from .questions import STEP_KEYS, STEPS_BY_KEY

log = logging.getLogger(__name__)

SESSION_PREFIX = "survey:"
REQUIRED = [key for key in STEP_KEYS if key not in ("change", "respondent")]


def _find(request, slug, token):
    """The open link, or the kind page that says why it cannot be used."""
    link = (
        SurveyLink.objects.select_related("project__service")
        .filter(partnership__slug=slug, token=token)
        .first()
    )
    if link is None:
        page = render(request, "voice/surveys/unavailable.html", {"reason": "altered"}, status=404)
        page.own_page = True
        return None, page
    if not link.is_open:
        return None, render(
            request,
            "voice/surveys/unavailable.html",
            {
                "reason": link.state,
                "link": link,
                "project": link.project,
                "service": link.project.service,
            },
            status=410,
        )
    return link, None


def _state(request, link):
    return request.session.get(f"{SESSION_PREFIX}{link.pk}")


def _save_state(request, link, state):
    request.session[f"{SESSION_PREFIX}{link.pk}"] = state


def _url(link, name, **kwargs):
    return reverse(
        f"voice:{name}", kwargs={"slug": link.partnership_slug, "token": link.token, **kwargs}
    )


def _attach(link, slug):
    link.partnership_slug = slug
    return link


def _base_context(link, state=None):
    words = (state or {}).get("words", SurveyResponse.Words.STANDARD)
    return {
        "link": link,
        "project": link.project,
        "service": link.project.service,
        "simple": words == SurveyResponse.Words.SIMPLE,
        "words": words,
    }


@never_cache
def survey_start(request, slug, token):
    """Anyone with the link: what the survey is, then start."""
    link, refusal = _find(request, slug, token)
    if refusal:
        return refusal
    _attach(link, slug)
    if request.method == "POST":
        words = request.POST.get("words")
        if words not in SurveyResponse.Words.values:
            words = SurveyResponse.Words.STANDARD
        _save_state(
            request,
            link,
            {
                "words": words,
                "started": time.time(),
                "answers": {},
                "key": secrets.token_urlsafe(24),
            },
        )
        return redirect(_url(link, "survey_question", number=1))
    simple = request.GET.get("words") == SurveyResponse.Words.SIMPLE
    context = _base_context(
        link, {"words": SurveyResponse.Words.SIMPLE if simple else SurveyResponse.Words.STANDARD}
    )
    context.update(
        {
            "question_count": len(STEP_KEYS),
            "retention_years": max(1, round(services.settings.SURVEY_TEXT_DAYS / 365)),
            "simple_url": _url(link, "survey_start") + "?words=simple",
            "standard_url": _url(link, "survey_start"),
        }
    )
    response = render(request, "voice/surveys/start.html", context)
    return protection.ensure_device_cookie(request, response)


def _restart(link):
    return redirect(_url(link, "survey_start"))


@never_cache
def survey_question(request, slug, token, number):
    """Anyone who started the survey: one question."""
    link, refusal = _find(request, slug, token)
    if refusal:
        return refusal
    _attach(link, slug)
    state = _state(request, link)
    if state is None or not 1 <= number <= len(STEP_KEYS):
        return _restart(link)
    key = STEP_KEYS[number - 1]
    answers = state["answers"]
    changing = request.GET.get("change") == "1"
    initial = {"answer": answers.get(key, "")}
    if key == "contact":
        initial.update(
            contact_name=state.get("contact_name", ""),
            contact_details=state.get("contact_details", ""),
        )
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        step_key=key,
        words=state["words"],
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        answers[key] = form.cleaned_data["answer"]
        if key == "contact":
            consent = form.cleaned_data["answer"] == "yes"
            state["contact_name"] = form.cleaned_data["contact_name"] if consent else ""
            state["contact_details"] = form.cleaned_data["contact_details"] if consent else ""
        _save_state(request, link, state)
        if changing or number == len(STEP_KEYS):
            return redirect(_url(link, "survey_check"))
        return redirect(_url(link, "survey_question", number=number + 1))
    back = (
        _url(link, "survey_check")
        if changing
        else _url(link, "survey_question", number=number - 1)
        if number > 1
        else _url(link, "survey_start") + ("?words=simple" if state["words"] == "simple" else "")
    )
    context = _base_context(link, state)
    context.update(
        {
            "form": form,
            "question": STEPS_BY_KEY[key].label(state["words"]),
            "number": number,
            "total": len(STEP_KEYS),
            "back_url": back,
            "action": request.get_full_path(),
        }
    )
    return render(request, "voice/surveys/question.html", context)


def _summary(link, state):
    """Rows of the check-your-answers page: question, answer and where to change it."""
    words = state["words"]
    answers = state["answers"]
    simple = words == SurveyResponse.Words.SIMPLE
    agreement = dict(questions.agreement_choices(words))
    meaningful = dict(questions.meaningful_choices(words))
    respondent = dict(questions.respondent_choices(words))
    rows = []
    for number, key in enumerate(STEP_KEYS, start=1):
        step = STEPS_BY_KEY[key]
        value = answers.get(key, "")
        if key.startswith("statement_"):
            shown = agreement.get(str(value), "")
        elif key == "meaningful":
            shown = meaningful.get(value, "")
        elif key == "change":
            shown = value or "Nothing written"
        elif key == "respondent":
            shown = respondent.get(value, "Not said")
        else:
            if value == "yes":
                shown = "Yes: " + ", ".join(
                    part
                    for part in (state.get("contact_name"), state.get("contact_details"))
                    if part
                )
            else:
                shown = "No"
        label = step.label(words)
        if simple and key == "respondent":
            label = "Who are you?"
        rows.append(
            {
                "question": label,
                "answer": shown,
                "key": key,
                "change_url": _url(link, "survey_question", number=number) + "?change=1",
            }
        )
    return rows


def _missing(state):
    answers = state["answers"]
    for number, key in enumerate(STEP_KEYS, start=1):
        if key in REQUIRED and key not in answers:
            return number
    return None


def _answers_of(state):
    answers = state["answers"]
    return services.SubmittedAnswers(
        words=state["words"],
        statements={
            int(k.split("_")[1]): v for k, v in answers.items() if k.startswith("statement_")
        },
        meaningful=answers.get("meaningful", ""),
        change_text=answers.get("change", ""),
        respondent="" if answers.get("respondent") == NOT_SAID else answers.get("respondent", ""),
        contact_consent=answers.get("contact") == "yes",
        contact_name=state.get("contact_name", ""),
        contact_details=state.get("contact_details", ""),
    )


@never_cache
def survey_check(request, slug, token):
    """Anyone who answered every question: check the answers, then send them once."""
    link, refusal = _find(request, slug, token)
    if refusal:
        return refusal
    _attach(link, slug)
    state = _state(request, link)
    if request.method == "POST":
        posted = request.POST.get("submission", "")
        if posted and SurveyResponse.objects.filter(link=link, submission_key=posted).exists():
            # The same answers sent again (a second click, a resent form): already kept.
            return redirect(_url(link, "survey_done"))
    if state is None:
        return _restart(link)
    missing = _missing(state)
    if missing:
        return redirect(_url(link, "survey_question", number=missing))
    problem = ""
    if request.method == "POST":
        if protection.trap_sprung(request):
            # Filled in by a program, not a person: nothing is kept and nothing is said.
            log.info("survey %s: answers with the hidden field filled in were not kept", link.pk)
            request.session.pop(f"{SESSION_PREFIX}{link.pk}", None)
            return redirect(_url(link, "survey_done"))
        if protection.too_fast(state.get("started"), time.time()):
            log.info("survey %s: answers sent too fast to be read were not kept", link.pk)
            problem = (
                "Please take a moment to check your answers before you send them."
                if state["words"] != "simple"
                else "Please read your answers again before you send them."
            )
        elif protection.rate_limited(request, link):
            return render(
                request,
                "voice/surveys/unavailable.html",
                {"reason": "limited", "link": link, "project": link.project},
                status=429,
            )
        else:
            try:
                _, created = services.survey_response_submit(
                    link=link, submission_key=state["key"], answers=_answers_of(state)
                )
            except services.SurveyError:
                return _find(request, slug, token)[1] or _restart(link)
            if created:
                protection.rate_count(request, link)
            request.session.pop(f"{SESSION_PREFIX}{link.pk}", None)
            done = _url(link, "survey_done")
            return redirect(done + ("?words=simple" if state["words"] == "simple" else ""))
    context = _base_context(link, state)
    context.update(
        {
            "rows": _summary(link, state),
            "submission": state["key"],
            "problem": problem,
            "trap_field": protection.TRAP_FIELD,
            "back_url": _url(link, "survey_question", number=len(STEP_KEYS)),
        }
    )
    return render(request, "voice/surveys/check.html", context, status=400 if problem else 200)


@never_cache
def survey_done(request, slug, token):
    """Anyone who sent their answers: thank you, and what happens next."""
    link, refusal = _find(request, slug, token)
    if refusal:
        return refusal
    _attach(link, slug)
    simple = request.GET.get("words") == SurveyResponse.Words.SIMPLE
    context = _base_context(link, {"words": "simple" if simple else "standard"})
    context["today"] = timezone.localdate()
    return render(request, "voice/surveys/done.html", context)
