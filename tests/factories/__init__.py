import factory
from django.utils import timezone

from partnership.models import (
    Invitation,
    Membership,
    Organisation,
    Partnership,
    Project,
    Role,
    Sector,
    Service,
    User,
)

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Area {n} SEND Partnership")
    slug = factory.Sequence(lambda n: f"area-{n}")
    local_area = factory.Sequence(lambda n: f"Area {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.LOCAL_AUTHORITY


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    partnership = factory.SelfAttribute("organisation.partnership")
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "A service area of the organisation."


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    service = factory.SubFactory(ServiceFactory)
    partnership = factory.SelfAttribute("service.partnership")
    title = factory.Sequence(lambda n: f"Project {n}")
    description = "Developing the service in joint partnership with families."
    status = Project.Status.ACTIVE
    start_date = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.ADMIN

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.services.set(extracted)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    partnership = factory.SubFactory(PartnershipFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.COMMISSIONER
