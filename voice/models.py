"""Family voice data."""

# --- Surveys --------------------------------------------------------------------------
# The feedback survey families answer without an account (York's step 13, Herefordshire's
# "How we will know if it is working" statements). The questions and their words are in
# voice/surveys/questions.py; only links, answers and the statement-to-principle mapping
# are stored.

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from partnership.models import Partnership, Project

# "You said, we did" lives in its own module.
from .yswd_models import PublicPageSettings, YouSaidWeDid  # noqa: F401


def _survey_token():
    return secrets.token_urlsafe(16)


class SurveyLinkQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)


class SurveyLink(models.Model):
    """A link (and QR code) a service hands to the families of one project."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        EXPIRED = "expired", "Past its closing date"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="survey_links"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="survey_links")
    token = models.CharField(max_length=40, unique=True, default=_survey_token, editable=False)
    closes_on = models.DateField(
        "closing date",
        null=True,
        blank=True,
        help_text="The last day answers are taken. Leave empty to keep the link open.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Survey link for {self.project}"

    def save(self, *args, **kwargs):
        self.partnership_id = self.project.partnership_id
        super().save(*args, **kwargs)

    def state_on(self, day=None):
        day = day or timezone.localdate()
        if self.closed_at:
            return self.State.CLOSED
        if self.closes_on and self.closes_on < day:
            return self.State.EXPIRED
        return self.State.OPEN

    @property
    def state(self):
        return self.state_on()

    @property
    def is_open(self):
        return self.state == self.State.OPEN


class SurveyResponseQuerySet(models.QuerySet):
    def for_partnership(self, partnership):
        return self.filter(partnership=partnership)


class SurveyResponse(models.Model):
    """One family member's answers. Nothing identifies them unless they chose to leave
    contact details; the free text and contact details go after SURVEY_TEXT_DAYS."""

    class Words(models.TextChoices):
        STANDARD = "standard", "Standard"
        SIMPLE = "simple", "Simpler words for young people"

    class Respondent(models.TextChoices):
        PARENT_CARER = "parent_carer", "Parent carer"
        YOUNG_PERSON = "young_person", "Young person"
        PROFESSIONAL = "professional", "Professional"

    class Meaningful(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        NOT_SURE = "not_sure", "Not sure"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="survey_responses"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="survey_responses")
    link = models.ForeignKey(SurveyLink, on_delete=models.CASCADE, related_name="responses")
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    # One per check-your-answers page shown: a second post of the same page is the same answer.
    submission_key = models.CharField(max_length=64, unique=True)
    words = models.CharField(max_length=10, choices=Words.choices, default=Words.STANDARD)
    respondent = models.CharField(max_length=20, choices=Respondent.choices, blank=True)
    meaningful = models.CharField(max_length=10, choices=Meaningful.choices, blank=True)
    change_text = models.TextField("what would you change?", blank=True)
    contact_consent = models.BooleanField(default=False)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_details = models.CharField(max_length=254, blank=True)
    # Set when the retention job removed the free text and contact details.
    text_removed_at = models.DateTimeField(null=True, blank=True)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "project"], name="survey_resp_project")]

    def __str__(self):
        return f"Survey answer for {self.project_id} at {self.submitted_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        self.partnership_id = self.project.partnership_id
        super().save(*args, **kwargs)


class SurveyAnswer(models.Model):
    """How far one respondent agrees with one of Herefordshire's statements."""

    class Agreement(models.IntegerChoices):
        STRONGLY_AGREE = 5, "Strongly agree"
        AGREE = 4, "Agree"
        NEITHER = 3, "Neither agree nor disagree"
        DISAGREE = 2, "Disagree"
        STRONGLY_DISAGREE = 1, "Strongly disagree"
        DOES_NOT_APPLY = 0, "Does not apply"

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    statement = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    agreement = models.PositiveSmallIntegerField(choices=Agreement.choices)

    class Meta:
        ordering = ["statement"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "statement"], name="one_answer_per_statement"
            ),
        ]

    def __str__(self):
        return f"Statement {self.statement}: {self.get_agreement_display()}"


class StatementMapping(models.Model):
    """Which principles (by number) one statement speaks to, for a partnership. A statement
    with no row uses the default in voice/surveys/questions.py."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="survey_statement_mappings"
    )
    statement = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    principle_numbers = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["statement"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "statement"], name="one_mapping_per_statement"
            ),
        ]

    def __str__(self):
        return f"Statement {self.statement}: principles {self.principle_numbers}"


# --- end of Surveys -------------------------------------------------------------------
