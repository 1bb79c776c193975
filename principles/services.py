"""Writes to frameworks. A published framework never changes: a change is a new version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Descriptor, Framework, Level, Outcome, Principle


def _next_version(title):
    highest = Framework.objects.filter(title=title).aggregate(highest=Max("version"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def framework_new_version(*, framework: Framework) -> Framework:
    """A draft copy of `framework`, numbered after the highest version of its title."""
    draft = Framework.objects.create(
        partnership=framework.partnership,
        title=framework.title,
        version=_next_version(framework.title),
        source=framework.source,
        status=Framework.Status.DRAFT,
        outcome_rule=dict(framework.outcome_rule or {}),
    )
    levels = {}
    for level in framework.levels.all():
        levels[level.pk] = Level.objects.create(framework=draft, rank=level.rank, name=level.name)
    Outcome.objects.bulk_create(
        Outcome(framework=draft, rank=outcome.rank, name=outcome.name)
        for outcome in framework.outcomes.all()
    )
    for principle in framework.principles.prefetch_related("descriptors"):
        copy = Principle.objects.create(
            framework=draft,
            number=principle.number,
            title=principle.title,
            commitments=principle.commitments,
            indicator=principle.indicator,
        )
        Descriptor.objects.bulk_create(
            Descriptor(principle=copy, level=levels[descriptor.level_id], text=descriptor.text)
            for descriptor in principle.descriptors.all()
        )
    return draft


MAX_LEVEL_RANK = 9
MAX_PRINCIPLE_NUMBER = 40


def framework_problems(framework: Framework) -> list[str]:
    """What stops `framework` being used for audits; empty when it is complete."""
    problems = []
    levels = list(framework.levels.all())
    if not levels:
        problems.append("It has no levels.")
    if not framework.outcomes.exists():
        problems.append("It has no overall outcomes.")
    # Each audit keeps its levels as one digit per principle (audits/level_summary.py,
    # Audit.level_ranks, 40 characters), which the portfolio reads.
    if any(not 1 <= level.rank <= MAX_LEVEL_RANK for level in levels):
        problems.append(f"Its levels must be ranked from 1 to {MAX_LEVEL_RANK}.")
    principles = list(framework.principles.prefetch_related("descriptors"))
    if not principles:
        problems.append("It has no principles.")
    if any(not 1 <= p.number <= MAX_PRINCIPLE_NUMBER for p in principles):
        problems.append(f"Its principles must be numbered from 1 to {MAX_PRINCIPLE_NUMBER}.")
    for principle in principles:
        if not principle.title.strip() or not principle.indicator.strip():
            problems.append(f"Principle {principle.number} needs a title and an indicator.")
        described = {d.level_id for d in principle.descriptors.all() if d.text.strip()}
        missing = [level.name for level in levels if level.pk not in described]
        if missing:
            problems.append(
                f"Principle {principle.number} has no descriptor for {', '.join(missing)}."
            )
    return problems


@transaction.atomic
def framework_publish(*, framework: Framework) -> Framework:
    """Make a complete draft available for audits; from now on it cannot change."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.status != Framework.Status.DRAFT:
        raise ValidationError(f"{framework} is already {framework.get_status_display().lower()}.")
    problems = framework_problems(framework)
    if problems:
        raise ValidationError(problems)
    framework.status = Framework.Status.PUBLISHED
    framework.published_date = timezone.localdate()
    framework.save()
    return framework


@transaction.atomic
def framework_retire(*, framework: Framework) -> Framework:
    """Stop new audits using a published framework; audits already made keep it."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError(f"Only a published framework can be retired; {framework} is not.")
    framework.status = Framework.Status.RETIRED
    framework.save()
    return framework


@transaction.atomic
def framework_create_from_data(*, data: dict, partnership=None, publish=False) -> Framework:
    """Build a framework from data that `interchange.validate_framework_data` accepted."""
    title = data["title"]
    version = data.get("version") or _next_version(title)
    if Framework.objects.filter(title=title, version=version).exists():
        raise ValidationError(f"{title} (version {version}) already exists.")
    framework = Framework.objects.create(
        partnership=partnership,
        title=title,
        version=version,
        source=data.get("source", ""),
        status=Framework.Status.DRAFT,
        outcome_rule=dict(data.get("outcome_rule") or {}),
    )
    levels = {
        item["name"]: Level.objects.create(
            framework=framework, rank=item["rank"], name=item["name"]
        )
        for item in data["levels"]
    }
    Outcome.objects.bulk_create(
        Outcome(framework=framework, rank=item["rank"], name=item["name"])
        for item in data["outcomes"]
    )
    for item in data["principles"]:
        principle = Principle.objects.create(
            framework=framework,
            number=item["number"],
            title=item["title"],
            commitments="\n".join(line.strip() for line in item.get("commitments", [])),
            indicator=item["indicator"],
        )
        Descriptor.objects.bulk_create(
            Descriptor(principle=principle, level=levels[name], text=text)
            for name, text in item["descriptors"].items()
        )
    if publish:
        framework = framework_publish(framework=framework)
    return framework
