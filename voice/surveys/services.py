"""Writes for the feedback survey: links, answers, the statement mapping, retention."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from voice.models import StatementMapping, SurveyAnswer, SurveyLink, SurveyResponse

from .questions import STATEMENTS

log = logging.getLogger(__name__)


class SurveyError(Exception):
    """A survey action that cannot be done, with a message for the person."""


def survey_link_create(*, project, by, closes_on=None) -> SurveyLink:
    return SurveyLink.objects.create(project=project, created_by=by, closes_on=closes_on)


def survey_link_close(*, link) -> SurveyLink:
    if link.closed_at is None:
        link.closed_at = timezone.now()
        link.save(update_fields=["closed_at"])
    return link


def survey_link_reopen(*, link) -> SurveyLink:
    """Open a closed link again. A closing date in the past would close it at once, so
    reopening one past its date needs a new date (or none)."""
    if link.closes_on and link.closes_on < timezone.localdate():
        raise SurveyError(
            "The closing date has passed. Change the closing date to reopen the survey."
        )
    link.closed_at = None
    link.save(update_fields=["closed_at"])
    return link


def survey_link_set_closing_date(*, link, closes_on) -> SurveyLink:
    link.closes_on = closes_on
    link.save(update_fields=["closes_on"])
    return link


@dataclass
class SubmittedAnswers:
    """What a respondent chose, as kept in their session between pages."""

    words: str
    statements: dict  # statement number -> agreement value
    meaningful: str = ""
    change_text: str = ""
    respondent: str = ""
    contact_consent: bool = False
    contact_name: str = ""
    contact_details: str = ""


def survey_response_submit(*, link, submission_key, answers) -> tuple[SurveyResponse, bool]:
    """Record one respondent's answers once. The same submission key again (a double
    click, a resent form) returns the first answer and False instead of a second one."""
    existing = SurveyResponse.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    if not link.is_open:
        raise SurveyError("This survey is closed.")
    consent = bool(answers.contact_consent)
    try:
        # A savepoint, so a concurrent post of the same key leaves the request usable.
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                link=link,
                project=link.project,
                submission_key=submission_key,
                words=answers.words,
                respondent=answers.respondent or "",
                meaningful=answers.meaningful or "",
                change_text=answers.change_text or "",
                contact_consent=consent,
                # Contact details only with consent: nothing typed before saying no is kept.
                contact_name=(answers.contact_name or "") if consent else "",
                contact_details=(answers.contact_details or "") if consent else "",
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, statement=number, agreement=int(value))
                for number, value in sorted(answers.statements.items())
                if int(number) in STATEMENTS
            )
    except IntegrityError:
        return SurveyResponse.objects.get(submission_key=submission_key), False
    return response, True


def statement_mapping_save(*, partnership, mapping, by) -> None:
    """Store which principles each statement speaks to, for every statement."""
    for number in STATEMENTS:
        numbers = sorted({int(n) for n in mapping.get(number, [])})
        StatementMapping.objects.update_or_create(
            partnership=partnership,
            statement=number,
            defaults={"principle_numbers": numbers, "updated_by": by},
        )


@dataclass
class SurveyRetentionReport:
    texts_removed: int = 0
    dry_run: bool = False

    def lines(self):
        verb = "would be removed" if self.dry_run else "removed"
        return [
            f"Survey free text and contact details older than {settings.SURVEY_TEXT_DAYS} "
            f"days {verb}: {self.texts_removed}"
        ]


def survey_text_retention_run(*, now=None, dry_run=False) -> SurveyRetentionReport:
    """Remove the free text and contact details of answers older than SURVEY_TEXT_DAYS.

    The choices (agreement, meaningful, who answered) stay: they are not personal and the
    results over time are made of them. Running it twice removes nothing more.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SURVEY_TEXT_DAYS)
    due = SurveyResponse.objects.filter(submitted_at__lt=cutoff, text_removed_at__isnull=True)
    report = SurveyRetentionReport(dry_run=dry_run)
    if dry_run:
        report.texts_removed = due.count()
    else:
        report.texts_removed = due.update(
            change_text="",
            contact_name="",
            contact_details="",
            contact_consent=False,
            text_removed_at=now,
        )
    for line in report.lines():
        log.info("survey retention%s: %s", " (dry run)" if dry_run else "", line)
    return report
