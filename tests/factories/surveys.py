"""Survey links and answers, made through the services."""

import secrets

from voice.models import SurveyAnswer
from voice.surveys import services


def survey_link(area=None, project=None, **kwargs):
    project = project or area.project
    return services.survey_link_create(project=project, by=None, **kwargs)


def survey_answers(link, count, agreement=SurveyAnswer.Agreement.AGREE, **fields):
    """`count` respondents who each give `agreement` to every statement."""
    made = []
    for _ in range(count):
        answers = services.SubmittedAnswers(
            words=fields.get("words", "standard"),
            statements={n: int(agreement) for n in range(1, 6)},
            meaningful=fields.get("meaningful", "yes"),
            change_text=fields.get("change_text", ""),
            respondent=fields.get("respondent", "parent_carer"),
        )
        response, _ = services.survey_response_submit(
            link=link, submission_key=secrets.token_urlsafe(16), answers=answers
        )
        made.append(response)
    return made
