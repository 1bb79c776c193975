"""The survey's questions, in the seeds' words and in simpler words for young people.

Herefordshire's statements are quoted exactly from its SEND Co-production Charter (seed
002, "How we will know if it is working"); "meaningful and purposeful" is York's step 13
(seed 001: "Gather feedback - Was it a success, was it meaningful and purposeful?").
"""

from dataclasses import dataclass

from voice.models import SurveyAnswer, SurveyResponse

HEREFORDSHIRE_INTRO = (
    "We will know that true co-production is working in Herefordshire when all parties can "
    "agree with the following statements:"
)

STATEMENTS = {
    1: "I am an equal partner and am listened to and valued.",
    2: "I can be a part of the process and am able to participate in all stages.",
    3: "My views and experiences are represented.",
    4: "I receive clear information, timely information in a format that is accessible to me.",
    5: "I know that policies, processes, and services have been co-produced.",
}

SIMPLE_STATEMENTS = {
    1: "People treated me as an equal. They listened to me and valued me.",
    2: "I could take part in every step, from the start to the end.",
    3: "What I think, and what has happened to me, was included.",
    4: "I got clear information, on time, in a way I could use.",
    5: "I know the plans and services were made together with people like me.",
}

# Which principles of York 2020 (by number) each statement speaks to, until an admin
# changes it. From the seeds' meaning: being an equal partner who is listened to is
# principles 1 (families as key stakeholders), 3 (treated as equal in meetings) and 5
# (equal in decision making); taking part in all stages is 3 and 6 (involved in how
# services are designed and delivered); views represented is 1 (the voice evident in
# the outcomes) and 6 (voices evident in the final outcome); clear, timely, accessible
# information is 2 (feedback on time) and 5 (accessible communication); knowing things
# were co-produced is 2 (feedback on the outcomes of involvement) and 6. Principle 4
# (growing networks) is about who was reached, which one person's answers cannot show.
DEFAULT_MAPPING = {
    1: [1, 3, 5],
    2: [3, 6],
    3: [1, 6],
    4: [2, 5],
    5: [2, 6],
}

Agreement = SurveyAnswer.Agreement
AGREEMENT_ORDER = [
    Agreement.STRONGLY_AGREE,
    Agreement.AGREE,
    Agreement.NEITHER,
    Agreement.DISAGREE,
    Agreement.STRONGLY_DISAGREE,
    Agreement.DOES_NOT_APPLY,
]
SIMPLE_AGREEMENT = {
    Agreement.STRONGLY_AGREE: "Yes, a lot",
    Agreement.AGREE: "Yes",
    Agreement.NEITHER: "Not sure",
    Agreement.DISAGREE: "No",
    Agreement.STRONGLY_DISAGREE: "No, not at all",
    Agreement.DOES_NOT_APPLY: "This did not happen to me",
}
NEGATIVE = frozenset({Agreement.DISAGREE, Agreement.STRONGLY_DISAGREE})

# Free text: the limit is said before typing, and longer text is refused, never cut.
CHANGE_LIMIT = 1_000
CONTACT_LIMIT = 254

# Fewer answers than this and no figure is shown: a handful of answers could single
# someone out.
SMALL_NUMBER = 5


@dataclass(frozen=True)
class Step:
    """One page of the survey."""

    key: str
    standard: str
    simple: str
    hint: str = ""
    simple_hint: str = ""

    def label(self, words):
        return self.simple if words == SurveyResponse.Words.SIMPLE else self.standard

    def hint_for(self, words):
        return self.simple_hint if words == SurveyResponse.Words.SIMPLE else self.hint


STATEMENT_HINT = "How far do you agree with this statement?"
SIMPLE_STATEMENT_HINT = "Do you agree?"

STEPS = [
    *[
        Step(
            key=f"statement_{number}",
            standard=STATEMENTS[number],
            simple=SIMPLE_STATEMENTS[number],
            hint=STATEMENT_HINT,
            simple_hint=SIMPLE_STATEMENT_HINT,
        )
        for number in STATEMENTS
    ],
    Step(
        key="meaningful",
        standard="Was it meaningful and purposeful?",
        simple="Did taking part matter, and did it make a difference?",
        hint="Think about the time you spent taking part.",
        simple_hint="Think about the time you spent on it.",
    ),
    Step(
        key="change",
        standard="What would you change?",
        simple="What would you change?",
        hint=f"You can write up to {CHANGE_LIMIT:,} characters. Do not include names or "
        "anything that could identify you or your child. You can leave this empty.",
        simple_hint=f"You can write up to {CHANGE_LIMIT:,} letters and spaces. Do not write "
        "your name or anyone else's. You can leave this empty.",
    ),
    Step(
        key="respondent",
        standard="Who are you? (optional)",
        simple="Who are you? (you do not have to say)",
        hint="This helps the service understand whose views it has heard.",
        simple_hint="This helps the service know who answered.",
    ),
    Step(
        key="contact",
        standard="Would you like the service to contact you about your answers?",
        simple="Can the service get in touch with you about your answers?",
        hint="Only if you want them to. Your answers are anonymous unless you say yes.",
        simple_hint="Only if you want. Nobody will know who you are unless you say yes.",
    ),
]
STEP_KEYS = [step.key for step in STEPS]
STEPS_BY_KEY = {step.key: step for step in STEPS}

MEANINGFUL_SIMPLE = {
    SurveyResponse.Meaningful.YES: "Yes",
    SurveyResponse.Meaningful.PARTLY: "A bit",
    SurveyResponse.Meaningful.NO: "No",
    SurveyResponse.Meaningful.NOT_SURE: "Not sure",
}
RESPONDENT_SIMPLE = {
    SurveyResponse.Respondent.PARENT_CARER: "A parent or carer",
    SurveyResponse.Respondent.YOUNG_PERSON: "A young person",
    SurveyResponse.Respondent.PROFESSIONAL: "Someone who works with children and families",
}


def statement_text(number, words):
    table = SIMPLE_STATEMENTS if words == SurveyResponse.Words.SIMPLE else STATEMENTS
    return table[number]


def agreement_choices(words):
    if words == SurveyResponse.Words.SIMPLE:
        return [(str(value.value), SIMPLE_AGREEMENT[value]) for value in AGREEMENT_ORDER]
    return [(str(value.value), value.label) for value in AGREEMENT_ORDER]


def meaningful_choices(words):
    if words == SurveyResponse.Words.SIMPLE:
        return list(MEANINGFUL_SIMPLE.items())
    return list(SurveyResponse.Meaningful.choices)


def respondent_choices(words):
    if words == SurveyResponse.Words.SIMPLE:
        return list(RESPONDENT_SIMPLE.items())
    return list(SurveyResponse.Respondent.choices)
