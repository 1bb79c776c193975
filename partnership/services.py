"""Writes to the directory and to people, each in one transaction."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Invitation, Membership, Organisation, Partnership, Project, Role, Service
from .participation import FAMILY_STAGE_FIELDS
from .tasks import send_invitation_email


class InvitationError(Exception):
    """An invitation link that can no longer be used; the message says why."""


@transaction.atomic
def invitation_create(
    *, partnership: Partnership, by, email, role, services=(), full_name="", base_url=""
):
    invitation = Invitation.objects.create(
        partnership=partnership, email=email.lower(), role=role, invited_by=by, full_name=full_name
    )
    if role == Role.SERVICE_LEAD:
        invitation.services.set(services)
    transaction.on_commit(
        lambda: send_invitation_email.delay(partnership.pk, invitation.pk, base_url)
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation):
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def invitation_check(invitation: Invitation):
    if invitation.state == "accepted":
        raise InvitationError("This invitation has already been used.")
    if invitation.state == "revoked":
        raise InvitationError("This invitation has been withdrawn.")
    if invitation.state == "expired":
        raise InvitationError("This invitation has expired.")


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user=None, full_name="", password=""):
    """Turn an invitation into an active membership, creating the account if needed."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation_check(invitation)
    if user is None:
        User = get_user_model()
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            f"This invitation was sent to {invitation.email}. Sign out and open the link again."
        )
    from allauth.account.models import EmailAddress

    # Opening the emailed link proves the address belongs to this person.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    membership, _ = Membership.objects.update_or_create(
        user=user,
        partnership=invitation.partnership,
        defaults={"role": invitation.role, "active": True},
    )
    membership.services.set(invitation.services.all())
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, role, services=()):
    """A changed role ends the person's sessions, so no page open under the old role
    (and nothing cached in it) outlives the change."""
    changed = membership.role != role
    membership.role = role
    membership.save(update_fields=["role"])
    membership.services.set(services if role == Role.SERVICE_LEAD else [])
    if changed:
        transaction.on_commit(lambda: user_sessions_end(user=membership.user))
    return membership


def user_sessions_end(*, user):
    """Sign `user` out everywhere: every session of theirs, on every device."""
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user=user):
        session.end()


@transaction.atomic
def membership_set_active(*, membership: Membership, active: bool):
    """Deactivation ends access at once: the access layer checks `active` on every request."""
    membership.active = active
    membership.save(update_fields=["active"])
    if not active:
        transaction.on_commit(lambda: user_sessions_end(user=membership.user))
    return membership


@transaction.atomic
def directory_set_active(*, obj, active: bool):
    """Deactivate or reactivate an organisation, service or project (kept for the record)."""
    obj.active = active
    obj.save(update_fields=["active"])
    return obj


# Creating and changing the directory. The API and the spreadsheet import write only
# through these; the rules (a name unique within its parent, choices from the same
# partnership) are checked first by the pages' forms or by the import's own check.


@transaction.atomic
def organisation_create(*, partnership: Partnership, name, sector, active=True):
    return Organisation.objects.create(
        partnership=partnership, name=name, sector=sector, active=active
    )


@transaction.atomic
def organisation_update(*, organisation: Organisation, name, sector, active):
    organisation.name, organisation.sector, organisation.active = name, sector, active
    organisation.save(update_fields=["name", "sector", "active"])
    return organisation


@transaction.atomic
def service_create(*, organisation: Organisation, name, description="", active=True):
    return Service.objects.create(
        organisation=organisation, name=name, description=description, active=active
    )


@transaction.atomic
def service_update(*, service: Service, organisation: Organisation, name, description, active):
    if organisation.partnership_id != service.partnership_id:
        raise ValueError("A service stays in its partnership")
    service.organisation, service.name = organisation, name
    service.description, service.active = description, active
    service.save()
    return service


@transaction.atomic
def _family_stage_fields(family_stages):
    """The project's five "families involved at" flags from a list of stage values."""
    chosen = {str(stage) for stage in family_stages}
    return {name: stage.value in chosen for stage, name in FAMILY_STAGE_FIELDS.items()}


def project_create(
    *,
    service: Service,
    title,
    description,
    status,
    start_date,
    end_date=None,
    active=True,
    ladder_aim="",
    cycle_stage="",
    family_stages=(),
):
    return Project.objects.create(
        service=service,
        title=title,
        description=description,
        status=status,
        start_date=start_date,
        end_date=end_date,
        active=active,
        ladder_aim=ladder_aim,
        cycle_stage=cycle_stage,
        **_family_stage_fields(family_stages),
    )


@transaction.atomic
def project_update(
    *,
    project: Project,
    service: Service,
    title,
    description,
    status,
    start_date,
    end_date,
    active,
    ladder_aim=None,
    cycle_stage=None,
    family_stages=None,
):
    """Change a project; the ladder and cycle fields left as None keep their values."""
    if service.partnership_id != project.partnership_id:
        raise ValueError("A project stays in its partnership")
    project.service, project.title, project.description = service, title, description
    project.status, project.start_date, project.end_date = status, start_date, end_date
    project.active = active
    if ladder_aim is not None:
        project.ladder_aim = ladder_aim
    if cycle_stage is not None:
        project.cycle_stage = cycle_stage
    if family_stages is not None:
        for name, value in _family_stage_fields(family_stages).items():
            setattr(project, name, value)
    project.save()
    return project
