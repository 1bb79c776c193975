"""A person's own data, as one JSON file (UK GDPR right of access).

It lives in the top app because it gathers from every app below it: the account,
memberships and security log (partnership), audits, comments and action notes
(audits), and reminders (notifications).
"""

import json

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone

from audits.models import ActionUpdate, Audit, Evidence, ReviewComment
from notifications.models import Notification
from partnership.models import Membership, SecurityEvent
from partnership.security import security_event_record


def _when(value):
    return value.isoformat() if value else None


@login_required
def personal_data(request):
    """Anyone signed in: everything the product holds about them."""
    user = request.user
    memberships = Membership.objects.filter(user=user).select_related("partnership")
    data = {
        "made": _when(timezone.now()),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "joined": _when(user.date_joined),
            "last_signed_in": _when(user.last_login),
            "two_factor": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "memberships": [
            {
                "partnership": m.partnership.name,
                "role": m.get_role_display(),
                "services": [s.name for s in m.services.all()],
                "active": m.active,
                "since": _when(m.created_at),
            }
            for m in memberships.prefetch_related("services")
        ],
        "audits_started": [
            {
                "audit": a.pk,
                "project": a.project.title,
                "partnership": a.partnership.name,
                "started": _when(a.created_at),
            }
            for a in Audit.objects.filter(created_by=user).select_related("project", "partnership")
        ],
        "review_comments": [
            {"audit": c.audit_id, "text": c.text, "written": _when(c.created_at)}
            for c in ReviewComment.objects.filter(author=user)
        ],
        "action_progress_notes": [
            {"action": u.action_id, "status": u.status, "note": u.note, "written": _when(u.at)}
            for u in ActionUpdate.objects.filter(by=user)
        ],
        "evidence_added": [
            {"audit": e.audit_id, "title": e.title, "kind": e.kind, "added": _when(e.added_at)}
            for e in Evidence.objects.filter(added_by=user)
        ],
        "notifications": [
            {"partnership": n.partnership.name, "title": n.title, "sent": _when(n.created_at)}
            for n in Notification.objects.filter(recipient=user).select_related("partnership")
        ],
        "security_log": [
            {
                "what": e.get_kind_display(),
                "when": _when(e.at),
                "address": e.ip_address,
                "partnership": e.partnership.name if e.partnership else None,
            }
            for e in SecurityEvent.objects.filter(user=user).select_related("partnership")
        ],
    }
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT_DOWNLOADED, request=request, detail={"what": "personal data"}
    )
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    name = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
