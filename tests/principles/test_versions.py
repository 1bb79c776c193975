"""A published framework never changes under the audits pinned to it; a change is a new version."""

import pytest
from django.core.exceptions import ValidationError

from principles.models import Descriptor, Framework, Level, Outcome, Principle
from principles.services import framework_new_version, framework_publish, framework_retire
from tests.factories import PartnershipFactory
from tests.factories.principles import FrameworkFactory

pytestmark = pytest.mark.django_db


def contents(framework):
    """Everything a person reading the rubric would see, in order."""
    framework = Framework.objects.get(pk=framework.pk)
    return {
        "title": framework.title,
        "source": framework.source,
        "partnership": framework.partnership_id,
        "outcome_rule": framework.outcome_rule,
        "levels": [(lv.rank, lv.name) for lv in framework.levels.all()],
        "outcomes": [(o.rank, o.name) for o in framework.outcomes.all()],
        "principles": [
            (
                p.number,
                p.title,
                p.commitments,
                p.indicator,
                [(d.level.rank, d.level.name, d.text) for d in p.descriptors.all()],
            )
            for p in framework.principles.all()
        ],
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Another title"),
        ("version", 7),
        ("source", "Somewhere else"),
        ("outcome_rule", {"top_for_best": 1, "bottom_for_worst": 1}),
        ("published_date", None),
    ],
)
def test_published_framework_refuses_changes_to_its_own_fields(field, value):
    framework = FrameworkFactory()
    before = contents(framework)
    setattr(framework, field, value)
    with pytest.raises(ValidationError, match="make a new version"):
        framework.save()
    assert contents(framework) == before


def test_published_framework_cannot_move_to_another_partnership_or_back_to_draft():
    framework = FrameworkFactory()
    framework.partnership = PartnershipFactory()
    with pytest.raises(ValidationError):
        framework.save()
    framework = Framework.objects.get(pk=framework.pk)
    framework.status = Framework.Status.DRAFT
    with pytest.raises(ValidationError):
        framework.save()
    assert Framework.objects.get(pk=framework.pk).status == Framework.Status.PUBLISHED


def test_published_framework_refuses_changes_to_its_parts():
    framework = FrameworkFactory(principles=2)
    before = contents(framework)
    principle = framework.principles.first()
    principle.title = "We changed our minds"
    descriptor = Descriptor.objects.filter(principle=principle).first()
    descriptor.text = "Different words"
    level = framework.levels.first()
    level.name = "Poor"
    attempts = [
        principle.save,
        descriptor.save,
        level.save,
        lambda: Principle.objects.create(
            framework=framework, number=9, title="We add one", indicator="More"
        ),
        lambda: Outcome.objects.create(framework=framework, rank=9, name="Perfect"),
        lambda: Level.objects.get(pk=level.pk).delete(),
        lambda: Descriptor.objects.get(pk=descriptor.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="make a new version"):
            attempt()
    assert contents(framework) == before


def test_a_part_loaded_before_publishing_cannot_be_saved_after():
    framework = FrameworkFactory(status=Framework.Status.DRAFT, principles=1)
    principle = framework.principles.get()
    framework_publish(framework=framework)
    principle.title = "Changed behind the framework's back"
    with pytest.raises(ValidationError):
        principle.save()


def test_published_framework_cannot_be_deleted():
    framework = FrameworkFactory()
    with pytest.raises(ValidationError, match="retire"):
        framework.delete()
    assert Framework.objects.filter(pk=framework.pk).exists()


def test_published_framework_may_be_retired_and_stays_unchangeable():
    framework = FrameworkFactory()
    before = contents(framework)
    retired = framework_retire(framework=framework)
    assert retired.status == Framework.Status.RETIRED
    assert contents(retired) == before
    retired.status = Framework.Status.PUBLISHED
    with pytest.raises(ValidationError):
        retired.save()
    retired = Framework.objects.get(pk=framework.pk)
    retired.title = "Renamed in retirement"
    with pytest.raises(ValidationError):
        retired.save()


def test_a_draft_can_be_edited_freely():
    framework = FrameworkFactory(status=Framework.Status.DRAFT, principles=1)
    framework.title = "Working title"
    framework.save()
    principle = framework.principles.get()
    principle.indicator = "A better indicator"
    principle.save()
    assert Principle.objects.get(pk=principle.pk).indicator == "A better indicator"


def test_new_version_copies_everything_into_a_draft():
    partnership = PartnershipFactory()
    framework = FrameworkFactory(partnership=partnership, principles=4)
    draft = framework_new_version(framework=framework)
    assert draft.pk != framework.pk
    assert draft.status == Framework.Status.DRAFT
    assert draft.version == framework.version + 1
    assert draft.published_date is None
    assert contents(draft) == contents(framework)
    # The copy's descriptors hang off the copy's own levels, not the original's.
    assert not Descriptor.objects.filter(principle__framework=draft).exclude(level__framework=draft)


def test_new_version_numbers_after_the_highest_of_the_title():
    framework = FrameworkFactory()
    second = framework_new_version(framework=framework)
    third = framework_new_version(framework=framework)
    assert (second.version, third.version) == (2, 3)


def test_change_then_publish_leaves_the_old_version_as_it_was():
    framework = FrameworkFactory(principles=2)
    before = contents(framework)
    draft = framework_new_version(framework=framework)
    principle = draft.principles.get(number=1)
    principle.title = "We value feedback and celebrate success"
    principle.save()
    published = framework_publish(framework=draft)
    assert published.status == Framework.Status.PUBLISHED
    assert published.published_date is not None
    assert published.principles.get(number=1).title == "We value feedback and celebrate success"
    assert contents(framework) == before


def test_york_2020_new_version_is_a_faithful_copy():
    york = Framework.objects.get(title="York Joint Partnership Audit Framework", version=1)
    draft = framework_new_version(framework=york)
    assert contents(draft) == contents(york)
    assert draft.principles.count() == 6
    assert Descriptor.objects.filter(principle__framework=draft).count() == 18


def test_publish_refuses_an_incomplete_draft():
    framework = FrameworkFactory(status=Framework.Status.DRAFT, principles=2)
    Descriptor.objects.filter(principle__framework=framework, level__rank=2).first().delete()
    with pytest.raises(ValidationError, match="no descriptor for Good"):
        framework_publish(framework=framework)
    assert Framework.objects.get(pk=framework.pk).status == Framework.Status.DRAFT


def test_publish_and_retire_only_move_forwards():
    framework = FrameworkFactory()
    with pytest.raises(ValidationError, match="already published"):
        framework_publish(framework=framework)
    draft = FrameworkFactory(status=Framework.Status.DRAFT)
    with pytest.raises(ValidationError, match="Only a published framework"):
        framework_retire(framework=draft)


def test_a_framework_whose_levels_cannot_be_kept_as_digits_is_not_published():
    from principles.services import framework_problems

    draft = framework_new_version(framework=FrameworkFactory(principles=4))
    assert framework_problems(draft) == []
    Level.objects.filter(pk=draft.levels.order_by("-rank").first().pk).update(rank=10)
    Principle.objects.filter(pk=draft.principles.order_by("-number").first().pk).update(number=41)
    problems = framework_problems(draft)
    assert "Its levels must be ranked from 1 to 9." in problems
    assert "Its principles must be numbered from 1 to 40." in problems
    with pytest.raises(ValidationError):
        framework_publish(framework=draft)
