"""Demo feedback surveys: York's speech and language therapy project has 12 answers that
disagree with the service's Good rating of principle 1 (a check-and-challenge flag); the
short breaks redesign has 3 answers, too few to show; one link is closed.

A project that already has a survey link is left alone, so loading twice changes nothing.
"""

from datetime import timedelta

from django.utils import timezone

from partnership.models import Membership, Partnership, Project, Role
from voice.models import SurveyResponse

from . import services
from .questions import STATEMENTS

# Each respondent: (who, words, statements 1-5 as agreement values, meaningful, change).
SPEECH_AND_LANGUAGE = [
    (
        "parent_carer",
        "standard",
        [2, 4, 1, 4, 3],
        "partly",
        "Tell us sooner when the plan changes.",
    ),
    ("parent_carer", "standard", [1, 4, 2, 5, 0], "no", "We were asked once and never heard back."),
    ("parent_carer", "standard", [2, 3, 2, 4, 2], "partly", ""),
    ("young_person", "simple", [2, 4, 1, 3, 3], "no", "Ask us, not just our parents."),
    ("parent_carer", "standard", [4, 4, 4, 5, 4], "yes", "The evening session worked well."),
    ("parent_carer", "standard", [1, 2, 2, 4, 0], "no", "Decisions were made before we came."),
    ("professional", "standard", [3, 4, 2, 4, 3], "partly", ""),
    ("parent_carer", "standard", [2, 5, 1, 4, 2], "partly", "More than one meeting, please."),
    ("young_person", "simple", [5, 4, 4, 4, 4], "yes", ""),
    ("parent_carer", "standard", [2, 3, 2, 2, 1], "no", "<b>Listen</b> to what we say."),
    ("", "standard", [1, 4, 2, 4, 0], "not_sure", ""),
    ("parent_carer", "standard", [4, 4, 2, 5, 3], "partly", "Keep the drop-in clinic."),
]

SHORT_BREAKS = [
    ("parent_carer", "standard", [5, 5, 4, 4, 5], "yes", "Thank you for asking us."),
    ("young_person", "simple", [4, 4, 4, 3, 4], "yes", ""),
    ("parent_carer", "standard", [4, 5, 5, 4, 4], "yes", ""),
]


def _answers(link, rows, first_day):
    for index, (who, words, agreements, meaningful, change) in enumerate(rows):
        response, _ = services.survey_response_submit(
            link=link,
            submission_key=f"demo-{link.pk}-{index}",
            answers=services.SubmittedAnswers(
                words=words,
                statements=dict(zip(STATEMENTS, agreements, strict=True)),
                meaningful=meaningful,
                change_text=change,
                respondent=who,
            ),
        )
        SurveyResponse.objects.filter(pk=response.pk).update(
            submitted_at=first_day + timedelta(days=index, hours=index % 5)
        )


def load():
    partnership = Partnership.objects.filter(slug="york").first()
    if partnership is None:
        return 0
    lead = (
        Membership.objects.filter(partnership=partnership, role=Role.SERVICE_LEAD)
        .select_related("user")
        .first()
    )
    by = lead.user if lead else None
    now = timezone.now()
    plan = [
        ("Speech and language therapy waiting list", SPEECH_AND_LANGUAGE, None),
        (
            "Redesign of the short breaks offer",
            SHORT_BREAKS,
            timezone.localdate() + timedelta(days=60),
        ),
    ]
    for title, rows, closes_on in plan:
        project = Project.objects.filter(partnership=partnership, title=title).first()
        if project is None or project.survey_links.exists():
            continue
        link = services.survey_link_create(project=project, by=by, closes_on=closes_on)
        _answers(link, rows, now - timedelta(days=len(rows) + 7))
    clinic = Project.objects.filter(
        partnership=partnership, title="Family-friendly clinic letters"
    ).first()
    if clinic is not None and not clinic.survey_links.exists():
        services.survey_link_close(link=services.survey_link_create(project=clinic, by=by))
    return SurveyResponse.objects.filter(partnership=partnership).count()
