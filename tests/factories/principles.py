import factory

from principles.models import Descriptor, Framework, Level, Outcome, Principle
from principles.services import framework_publish, framework_retire

LEVEL_NAMES = ["Room for Improvement", "Good", "Excellent"]
OUTCOME_NAMES = ["Requires Improvement", "Good", "Outstanding"]


class FrameworkFactory(factory.django.DjangoModelFactory):
    """A small complete framework: 3 levels, 3 outcomes, `principles` principles.

    `FrameworkFactory(partnership=p, principles=6, status=Framework.Status.DRAFT)`.
    Parts are written while it is a draft and it is then published (or published and
    retired) through the services, as a real one would be.
    """

    class Meta:
        model = Framework

    partnership = None
    title = factory.Sequence(lambda n: f"Test framework {n}")
    version = 1
    source = "Written for the tests."
    outcome_rule = factory.LazyFunction(lambda: {"top_for_best": 4, "bottom_for_worst": 2})
    status = Framework.Status.PUBLISHED
    principles = 6

    @classmethod
    def _create(cls, model_class, *args, principles=6, status=Framework.Status.PUBLISHED, **kwargs):
        framework = model_class.objects.create(*args, status=Framework.Status.DRAFT, **kwargs)
        levels = [
            Level.objects.create(framework=framework, rank=rank, name=name)
            for rank, name in enumerate(LEVEL_NAMES, start=1)
        ]
        for rank, name in enumerate(OUTCOME_NAMES, start=1):
            Outcome.objects.create(framework=framework, rank=rank, name=name)
        for number in range(1, principles + 1):
            principle = Principle.objects.create(
                framework=framework,
                number=number,
                title=f"We keep promise {number}",
                commitments=f"We do the first thing for {number}\nWe do the second thing",
                indicator=f"Indicator for principle {number}",
            )
            for level in levels:
                Descriptor.objects.create(
                    principle=principle,
                    level=level,
                    text=f"Principle {number} at {level.name}.\nA second paragraph.",
                )
        if status in (Framework.Status.PUBLISHED, Framework.Status.RETIRED):
            framework = framework_publish(framework=framework)
        if status == Framework.Status.RETIRED:
            framework = framework_retire(framework=framework)
        return framework
