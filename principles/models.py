"""Versioned rubrics: a framework's principles, levels, descriptors and overall outcomes.

A published framework that an audit uses is never edited: a change is a new version,
and every audit stays pinned to the version it was made with.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from partnership.models import Partnership


class FrameworkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Framework.Status.PUBLISHED)

    def available_to(self, partnership):
        """Frameworks shared with every partnership, and the partnership's own."""
        return self.filter(Q(partnership__isnull=True) | Q(partnership=partnership))


class Framework(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    # Null for a framework every partnership may use (York 2020); set for a local rubric.
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="frameworks"
    )
    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    source = models.TextField("source citation", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_date = models.DateField(null=True, blank=True)
    # How the form suggests an overall outcome from the principle levels; see suggest_outcome.
    outcome_rule = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["title", "version"], name="framework_title_version"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not getattr(self, "_loading", False):
            self._refuse_locked_change()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored_status = type(self).objects.filter(pk=self.pk).values_list("status", flat=True)
        if stored_status.first() not in (None, self.Status.DRAFT) and not getattr(
            self, "_loading", False
        ):
            raise ValidationError(f"{self} is not a draft and cannot be deleted; retire it.")
        return super().delete(*args, **kwargs)

    def _refuse_locked_change(self):
        """Audits are pinned to a version, so once published only retiring it is allowed."""
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or stored.status == self.Status.DRAFT:
            return
        changed = [
            field.name
            for field in self._meta.concrete_fields
            if field.name != "status"
            and getattr(stored, field.attname) != getattr(self, field.attname)
        ]
        moves = {
            (self.Status.PUBLISHED, self.Status.PUBLISHED),
            (self.Status.PUBLISHED, self.Status.RETIRED),
            (self.Status.RETIRED, self.Status.RETIRED),
        }
        if changed or (stored.status, self.status) not in moves:
            raise ValidationError(
                f"{stored} is {stored.get_status_display().lower()}; "
                "make a new version to change it."
            )

    @property
    def is_locked(self):
        """Published and retired frameworks cannot change: audits may be pinned to them."""
        return self.status != self.Status.DRAFT and self.pk is not None

    def outcome_scale_sentence(self):
        """One sentence saying that the overall outcome has its own scale, and how it is
        suggested: people asked whether "Outstanding" beside "Excellent" was a mistake."""
        levels = list(self.levels.all())
        outcomes = list(self.outcomes.all())
        if len(levels) < 2 or len(outcomes) < 3:
            return ""
        rule = {"top_for_best": 4, "bottom_for_worst": 2, **(self.outcome_rule or {})}
        top, bottom = levels[-1].name, levels[0].name
        return (
            f"The overall outcome has its own scale "
            f"({', '.join(o.name for o in outcomes)}), separate from the levels of each "
            f"principle ({', '.join(level.name for level in levels)}): "
            f"{outcomes[-1].name} is suggested when at least {rule['top_for_best']} principles "
            f"are {top} and none is {bottom}, {outcomes[0].name} when "
            f"{rule['bottom_for_worst']} or more are {bottom}, and "
            f"{outcomes[len(outcomes) // 2].name} otherwise; the person completing the audit "
            f"makes the final choice."
        )

    def suggest_outcome(self, ranks):
        """Suggest an overall outcome from principle level ranks; returns (Outcome, reason).

        The rule is data on the framework: `{"top_for_best": n, "bottom_for_worst": m}`.
        The best outcome needs at least n principles at the top level and none at the
        bottom; the worst outcome follows from m or more at the bottom level; otherwise
        the middle outcome. Returns (None, reason) until every principle is scored.
        """
        levels = list(self.levels.all())
        outcomes = list(self.outcomes.all())
        principle_count = self.principles.count()
        ranks = [r for r in ranks if r is not None]
        if not levels or not outcomes or len(ranks) < principle_count:
            return None, "An outcome is suggested once every principle has a level."
        top, bottom = levels[-1], levels[0]
        rule = {"top_for_best": 4, "bottom_for_worst": 2, **(self.outcome_rule or {})}
        n_top = sum(1 for r in ranks if r == top.rank)
        n_bottom = sum(1 for r in ranks if r == bottom.rank)
        total = len(ranks)
        if n_top >= rule["top_for_best"] and n_bottom == 0:
            return outcomes[-1], (
                f"{n_top} of {total} principles are {top.name} and none is {bottom.name}."
            )
        if n_bottom >= rule["bottom_for_worst"]:
            return outcomes[0], (
                f"{n_bottom} of {total} principles are {bottom.name} "
                f"({rule['bottom_for_worst']} or more suggests {outcomes[0].name})."
            )
        middle = outcomes[len(outcomes) // 2]
        return middle, (
            f"{n_top} of {total} principles are {top.name} and {n_bottom} "
            f"{'is' if n_bottom == 1 else 'are'} {bottom.name}: {outcomes[-1].name} needs "
            f"{rule['top_for_best']} at {top.name} and none at {bottom.name}."
        )


class FrameworkPart(models.Model):
    """Refuses edits to any part of a framework that is no longer a draft.

    The framework's status is read from the database, not from the cached
    `framework` instance, so a part loaded before its framework was published
    cannot slip a change through.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def owning_framework(self):
        return self.framework

    def _refuse_if_locked(self):
        if getattr(self, "_loading", False):
            return
        framework = self.owning_framework()
        stored_status = (
            Framework.objects.filter(pk=framework.pk).values_list("status", flat=True).first()
        )
        if stored_status not in (None, Framework.Status.DRAFT):
            raise ValidationError(
                f"{framework} is {Framework.Status(stored_status).label.lower()}; "
                "make a new version to change it."
            )


class Level(FrameworkPart):
    """A level a principle is scored at: Room for Improvement, Good, Excellent."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "rank"], name="level_rank_unique"),
        ]

    def __str__(self):
        return self.name


class Outcome(FrameworkPart):
    """An overall outcome: Requires Improvement, Good, Outstanding."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="outcomes")
    rank = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "rank"], name="outcome_rank_unique"),
        ]

    def __str__(self):
        return self.name


class Principle(FrameworkPart):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    # The "We ..." commitments, one per line.
    commitments = models.TextField(blank=True)
    indicator = models.TextField("joint partnership indicator")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="principle_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def commitment_list(self):
        return [line for line in self.commitments.splitlines() if line.strip()]


class Descriptor(FrameworkPart):
    """What a principle looks like at one level."""

    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="descriptors")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="descriptors")
    text = models.TextField()

    class Meta:
        ordering = ["principle__number", "level__rank"]
        constraints = [
            models.UniqueConstraint(fields=["principle", "level"], name="descriptor_unique"),
        ]

    def __str__(self):
        return f"{self.principle.number} / {self.level}"

    def owning_framework(self):
        return self.principle.framework


class PartnershipFramework(models.Model):
    """The framework a partnership's new audits use (York 2020 when none is chosen)."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="current_framework_choice"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.partnership}: {self.framework}"


YORK_2020_TITLE = "York Joint Partnership Audit Framework"


def current_framework(partnership):
    """The framework new audits in `partnership` use."""
    choice = (
        PartnershipFramework.objects.filter(partnership=partnership)
        .select_related("framework")
        .first()
    )
    if choice:
        return choice.framework
    return (
        Framework.objects.published()
        .filter(partnership__isnull=True, title=YORK_2020_TITLE)
        .order_by("-version")
        .first()
    )
