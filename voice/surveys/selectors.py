"""Reads of survey answers: results with the small-number rule, and the check-and-challenge
flag. Each function runs a fixed number of queries whatever the number of answers."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from voice.models import StatementMapping, SurveyAnswer, SurveyResponse

from .questions import (
    AGREEMENT_ORDER,
    DEFAULT_MAPPING,
    NEGATIVE,
    SMALL_NUMBER,
    STATEMENTS,
    Agreement,
)


def statement_mapping(partnership) -> dict:
    """{statement number: [principle numbers]}: the partnership's own, or the default."""
    mapping = {number: list(principles) for number, principles in DEFAULT_MAPPING.items()}
    for row in StatementMapping.objects.filter(partnership=partnership):
        mapping[row.statement] = list(row.principle_numbers)
    return mapping


def _pct(part, whole):
    return round(100 * part / whole) if whole else 0


@dataclass
class Share:
    label: str
    count: int
    percent: int


@dataclass
class StatementResult:
    number: int
    text: str
    shares: list
    agree_percent: int
    disagree_percent: int
    grouped: list = field(default_factory=list)  # agree, neither, disagree, does not apply


@dataclass
class Results:
    """The answers for a project or a service. `shown` is False below the small number,
    and then nothing but the count is given out."""

    responses: int = 0
    statements: list = field(default_factory=list)
    meaningful: list = field(default_factory=list)
    respondents: list = field(default_factory=list)

    @property
    def shown(self):
        return self.responses >= SMALL_NUMBER

    @property
    def small_number(self):
        return SMALL_NUMBER


class _Tally:
    def __init__(self):
        self.responses = 0
        self.statements = defaultdict(Counter)
        self.meaningful = Counter()
        self.respondents = Counter()

    def add(self, other):
        self.responses += other.responses
        for number, counter in other.statements.items():
            self.statements[number].update(counter)
        self.meaningful.update(other.meaningful)
        self.respondents.update(other.respondents)

    def results(self):
        results = Results(responses=self.responses)
        if not results.shown:
            return results
        n = self.responses
        for number, text in STATEMENTS.items():
            counter = self.statements[number]
            agree = counter[Agreement.STRONGLY_AGREE] + counter[Agreement.AGREE]
            disagree = counter[Agreement.DISAGREE] + counter[Agreement.STRONGLY_DISAGREE]
            results.statements.append(
                StatementResult(
                    number=number,
                    text=text,
                    shares=[
                        Share(value.label, counter[value], _pct(counter[value], n))
                        for value in AGREEMENT_ORDER
                    ],
                    agree_percent=_pct(agree, n),
                    disagree_percent=_pct(disagree, n),
                    grouped=[
                        Share("Agree or strongly agree", agree, _pct(agree, n)),
                        Share(
                            Agreement.NEITHER.label,
                            counter[Agreement.NEITHER],
                            _pct(counter[Agreement.NEITHER], n),
                        ),
                        Share("Disagree or strongly disagree", disagree, _pct(disagree, n)),
                        Share(
                            Agreement.DOES_NOT_APPLY.label,
                            counter[Agreement.DOES_NOT_APPLY],
                            _pct(counter[Agreement.DOES_NOT_APPLY], n),
                        ),
                    ],
                )
            )
        for choices, counter, target in (
            (SurveyResponse.Meaningful.choices, self.meaningful, results.meaningful),
            (SurveyResponse.Respondent.choices, self.respondents, results.respondents),
        ):
            for value, label in choices:
                target.append(Share(label, counter[value], _pct(counter[value], n)))
            missing = counter[""]
            if missing:
                target.append(Share("Not answered", missing, _pct(missing, n)))
        return results


def _responses(partnership, project_ids, until=None):
    qs = SurveyResponse.objects.filter(partnership=partnership, project_id__in=project_ids)
    if until is not None:
        qs = qs.filter(submitted_at__lte=until)
    return qs


def _tallies(partnership, project_ids, until=None):
    """{project id: _Tally}, in three queries."""
    tallies = defaultdict(_Tally)
    responses = _responses(partnership, project_ids, until)
    for row in responses.values("project_id", "meaningful").annotate(n=Count("id")):
        tally = tallies[row["project_id"]]
        tally.responses += row["n"]
        tally.meaningful[row["meaningful"]] += row["n"]
    for row in responses.values("project_id", "respondent").annotate(n=Count("id")):
        tallies[row["project_id"]].respondents[row["respondent"]] += row["n"]
    answers = (
        SurveyAnswer.objects.filter(response__in=responses)
        .values("response__project_id", "statement", "agreement")
        .annotate(n=Count("id"))
    )
    for row in answers:
        tallies[row["response__project_id"]].statements[row["statement"]][row["agreement"]] += row[
            "n"
        ]
    return tallies


def project_results(partnership, project, until=None) -> Results:
    return _tallies(partnership, [project.pk], until)[project.pk].results()


@dataclass
class ServiceResults:
    service: object
    results: Results
    projects: list  # [(project, Results)]


def results_by_service(partnership, projects) -> list:
    """Results for each service of `projects` (all its listed projects together) and for
    each project, services in name order."""
    projects = list(projects)
    tallies = _tallies(partnership, [p.pk for p in projects])
    by_service = {}
    for project in projects:
        entry = by_service.setdefault(project.service_id, (project.service, _Tally(), []))
        tally = tallies.get(project.pk) or _Tally()
        entry[1].add(tally)
        entry[2].append((project, tally.results()))
    rows = [
        ServiceResults(service=service, results=tally.results(), projects=rows)
        for service, tally, rows in by_service.values()
    ]
    return sorted(rows, key=lambda row: (row.service.organisation.name, row.service.name))


def project_comments(partnership, project):
    """The "What would you change?" answers, only once the small number is reached, newest
    first, with nothing about who wrote them."""
    responses = SurveyResponse.objects.filter(partnership=partnership, project=project)
    if responses.count() < SMALL_NUMBER:
        return None
    return list(responses.exclude(change_text="").values_list("change_text", flat=True))


@dataclass
class Flag:
    principle: object
    level: object
    respondents: int
    answers: int
    negative: int
    statements: list

    @property
    def negative_percent(self):
        return _pct(self.negative, self.answers)


def principle_flags(partnership, project, assessments, until=None) -> list:
    """Principles the service rated above the lowest level (Good or Excellent in York 2020)
    where at least SMALL_NUMBER people answered the related statements and most of those
    answers (Does not apply left out) disagree."""
    rated = [a for a in assessments if a.level_id and a.level.rank > 1]
    if not rated:
        return []
    mapping = statement_mapping(partnership)
    rows = (
        SurveyAnswer.objects.filter(response__in=_responses(partnership, [project.pk], until))
        .exclude(agreement=Agreement.DOES_NOT_APPLY)
        .values_list("response_id", "statement", "agreement")
    )
    by_statement = defaultdict(list)
    for response_id, statement, agreement in rows:
        by_statement[statement].append((response_id, agreement))
    flags = []
    for assessment in rated:
        statements = [s for s, numbers in mapping.items() if assessment.principle.number in numbers]
        related = [pair for s in statements for pair in by_statement.get(s, [])]
        respondents = len({response_id for response_id, _ in related})
        negative = sum(1 for _, agreement in related if agreement in NEGATIVE)
        if respondents >= SMALL_NUMBER and negative * 2 > len(related):
            flags.append(
                Flag(
                    principle=assessment.principle,
                    level=assessment.level,
                    respondents=respondents,
                    answers=len(related),
                    negative=negative,
                    statements=sorted(statements),
                )
            )
    return flags


def response_counts(partnership, link_ids) -> dict:
    """{link id: number of answers}, in one query."""
    rows = (
        SurveyResponse.objects.filter(partnership=partnership, link_id__in=link_ids)
        .values("link_id")
        .annotate(n=Count("id"))
    )
    return {row["link_id"]: row["n"] for row in rows}
