"""Background work for board packs. Thin: each task takes ids and calls packs/services."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from . import audit_pdfs, packs, services


@shared_task
def make_board_pack(partnership_id: int, pack_id: int):
    """Make one pack; a second run for the same pack does nothing."""
    pack = packs.make(partnership_id, pack_id)
    if pack is not None:
        send_pack_ready_email(pack)


def send_pack_ready_email(pack):
    """Tell the person who asked (or, for a meeting's pack, the board members) it is ready."""
    if pack.meeting_id:
        recipients = packs.board_recipients(pack.partnership)
    elif pack.requested_by and pack.requested_by.email:
        recipients = [pack.requested_by.email]
    else:
        recipients = []
    if not recipients:
        return
    slug = pack.partnership.slug
    context = {
        "pack": pack,
        "partnership": pack.partnership,
        "link": settings.SITE_URL + reverse("reporting:pack_detail", args=[slug, pack.pk]),
        "download": settings.SITE_URL + reverse("reporting:pack_download", args=[slug, pack.pk]),
    }
    subject = f"Board pack ready: {pack.period_label}, {pack.partnership.name}"
    for recipient in recipients:
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("reporting/email/pack_ready.txt", context),
            to=[recipient],
        )
        message.attach_alternative(
            render_to_string("reporting/email/pack_ready.html", context), "text/html"
        )
        message.send()


@shared_task
def make_audit_pdf(partnership_id: int, pdf_id: int):
    """Lay out one audit's PDF; a second run for the same PDF does nothing."""
    audit_pdfs.make(partnership_id, pdf_id)


@shared_task
def fail_stuck_board_packs():
    services.board_packs_fail_stuck()
    services.board_packs_resend()
    services.audit_pdfs_fail_stuck()


@shared_task
def expire_board_packs():
    return services.board_packs_expire()


@shared_task
def make_meeting_packs():
    return [pack.pk for pack in services.meeting_packs_make()]
