from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


@shared_task
def send_invitation_email(partnership_id: int, invitation_id: int, base_url: str = ""):
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("partnership", "invited_by")
        .filter(partnership_id=partnership_id, pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.state != "pending":
        return
    context = {
        "invitation": invitation,
        "link": (base_url or settings.SITE_URL).rstrip("/") + invitation.get_absolute_url(),
    }
    send_mail(
        subject=f"You are invited to {invitation.partnership.name} on Joint Partnership Audit",
        message=render_to_string("partnership/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@shared_task
def retention_daily():
    """What the product no longer keeps, removed once a day (see partnership/retention.py)."""
    from .retention import retention_run

    retention_run()


@shared_task
def directory_import_run(partnership_id: int, job_id: int):
    """Write one confirmed directory import; a second run for the same job does nothing."""
    from .import_jobs import run

    run(partnership_id, job_id)


@shared_task
def directory_imports_check():
    """Every few minutes: fail imports whose worker died, resend unsent ones, tidy files."""
    from . import import_jobs

    import_jobs.directory_imports_fail_stuck()
    import_jobs.directory_imports_resend()
    import_jobs.directory_imports_tidy()
