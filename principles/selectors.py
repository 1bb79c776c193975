"""Reads of frameworks for pages: a fixed number of queries however large the rubric."""

from dataclasses import dataclass

from django.db.models import Prefetch

from .models import Descriptor, Framework, Principle


@dataclass
class RubricRow:
    principle: Principle
    # One entry per level, in level order; None where the framework has no text yet.
    descriptors: list


def frameworks_for_display(partnership):
    """Frameworks `partnership` may read, with every part fetched up front."""
    return Framework.objects.available_to(partnership).prefetch_related(
        "levels",
        "outcomes",
        Prefetch(
            "principles",
            queryset=Principle.objects.prefetch_related(
                Prefetch("descriptors", queryset=Descriptor.objects.order_by("level__rank"))
            ),
        ),
    )


def rubric_rows(framework):
    """Each principle with its descriptors lined up under the framework's levels."""
    levels = list(framework.levels.all())
    rows = []
    for principle in framework.principles.all():
        by_level = {descriptor.level_id: descriptor for descriptor in principle.descriptors.all()}
        rows.append(RubricRow(principle, [by_level.get(level.pk) for level in levels]))
    return rows
