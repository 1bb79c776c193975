"""Families check and challenge an audit.

Two sides, two sets of pages. Family partners reach only the audits they are invited
to (`family_*` pages under /family/), rate each principle and send their ratings. The
service (and commissioners and admins) invite families and, once the families have sent
their ratings, see both side by side and record an agreed level where they differ
(pages under /families/). Neither side sees the other's levels before the families send
theirs: the family pages never load the service's levels until then, and the service's
pages never load the families'.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from partnership.access import ALL_ROLES, AUDIT_EDITORS, partnership_view
from partnership.models import Membership, Role, SecurityEvent
from partnership.security import security_event_record
from principles.models import Descriptor

from . import services_family as services
from .easy_read import for_framework
from .forms_family import AgreedLevelForm, FamilyInviteForm, FamilyRatingForm
from .models import Audit, FamilyInvitation
from .selectors_family import comparison, invitations_of, ratings_of, review_of
from .views import _audit, _url


def _invited_audit(request, pk):
    """The audit if this family partner is invited to it; anything else is a 404."""
    if request.membership.role != Role.FAMILY_PARTNER:
        raise Http404("No such audit")
    invited = FamilyInvitation.objects.for_membership(request.membership).values("audit_id")
    audit = get_object_or_404(
        Audit.objects.filter(partnership=request.partnership, pk__in=invited).select_related(
            "project__service__organisation", "framework", "partnership"
        ),
        pk=pk,
    )
    review = review_of(audit)
    if review is None:
        raise Http404("No such audit")
    return audit, review


def _descriptors(audit):
    """{(principle id, level id): official words} for the audit's framework, in one query."""
    return {
        (d.principle_id, d.level_id): d.text
        for d in Descriptor.objects.filter(principle__framework=audit.framework_id)
    }


# --- Family partners ------------------------------------------------------------------


@partnership_view(ALL_ROLES)
def family_rate(request, pk):
    """Family partners invited to the audit: the principles to rate, then both sides' levels."""
    audit, review = _invited_audit(request, pk)
    ratings = ratings_of(review)
    easy, _ = for_framework(audit.framework)
    context = {
        "audit": audit,
        "review": review,
        "ratings": ratings,
        "easy": easy,
        "rated": sum(1 for r in ratings if r.level_id),
    }
    if review.is_submitted:
        context["compared"] = comparison(audit, review)
    return render(request, "audits/family/rate.html", context)


@partnership_view(ALL_ROLES)
def family_principle(request, pk, number):
    """Family partners: their level and comment for one principle, before they send them."""
    audit, review = _invited_audit(request, pk)
    if review.is_submitted:
        messages.info(request, "You have sent your ratings, so they cannot be changed now.")
        return redirect(_url(request, "family_rate", pk=audit.pk))
    ratings = ratings_of(review)
    rating = next((r for r in ratings if r.principle.number == number), None)
    if rating is None:
        raise Http404("No such principle")
    levels = list(audit.framework.levels.all())
    initial = {"level": str(rating.level_id or ""), "comment": rating.comment}
    form = FamilyRatingForm(
        request.POST if request.method == "POST" else None, levels=levels, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.family_rating_save(
                rating=rating,
                membership=request.membership,
                by=request.user,
                level=form.chosen_level(),
                comment=form.cleaned_data["comment"],
            )
        except services.FamilyError as error:
            form.add_error(None, str(error))
        else:
            later = [r for r in ratings if r.principle.number > number]
            if later and "later" not in request.POST:
                return redirect(
                    _url(request, "family_principle", pk=audit.pk, number=later[0].principle.number)
                )
            if "later" in request.POST:
                messages.success(request, "Saved. You can come back to it at any time.")
                return redirect(_url(request, "family_rate", pk=audit.pk))
            return redirect(_url(request, "family_check", pk=audit.pk))
    easy, easy_levels = for_framework(audit.framework)
    meaning, easy_by_rank = easy.get(number, ("", {}))
    descriptors = _descriptors(audit)
    choices = [
        {
            "level": level,
            "value": str(level.pk),
            "checked": str(form["level"].value() or "") == str(level.pk),
            "easy": easy_by_rank.get(level.rank, ""),
            "easy_level": easy_levels.get(level.rank, ""),
            "official": descriptors.get((rating.principle_id, level.pk), ""),
        }
        for level in levels
    ]
    return render(
        request,
        "audits/family/principle.html",
        {
            "audit": audit,
            "principle": rating.principle,
            "principle_count": len(ratings),
            "meaning": meaning,
            "choices": choices,
            "form": form,
        },
    )


@partnership_view(ALL_ROLES)
def family_check(request, pk):
    """Family partners: check every rating, then send them to the service."""
    audit, review = _invited_audit(request, pk)
    if review.is_submitted:
        return redirect(_url(request, "family_rate", pk=audit.pk))
    ratings = ratings_of(review)
    problems = []
    if request.method == "POST":
        try:
            services.family_review_submit(
                review=review, membership=request.membership, by=request.user
            )
        except services.FamilyError:
            problems = [
                (
                    _url(request, "family_principle", pk=audit.pk, number=r.principle.number),
                    f"Choose a level for principle {r.principle.number}",
                )
                for r in ratings
                if r.level_id is None
            ] or [("#main-content", "Your ratings could not be sent. Try again.")]
        else:
            messages.success(request, "Thank you. Your ratings have been sent to the service.")
            return redirect(_url(request, "family_rate", pk=audit.pk))
    return render(
        request,
        "audits/family/check.html",
        {"audit": audit, "ratings": ratings, "problems": problems},
        status=400 if problems else 200,
    )


# --- The service, commissioners and admins --------------------------------------------


@partnership_view(ALL_ROLES)
def family_compare(request, pk):
    """Everyone who can read the audit: who is invited and, once families have sent their
    ratings, both sides' levels principle by principle."""
    audit = _audit(request, pk)
    review = review_of(audit)
    context = {
        "audit": audit,
        "review": review,
        "invitations": invitations_of(audit) if review else [],
        "can_invite": services.can_invite(audit, request.membership),
        "can_agree": services.can_agree(audit, request.membership),
    }
    if review is not None and review.is_submitted:
        context["compared"] = comparison(audit, review)
    return render(request, "audits/family/compare.html", context)


def _candidates(audit):
    already = FamilyInvitation.objects.filter(audit=audit, membership__isnull=False).values(
        "membership_id"
    )
    return list(
        Membership.objects.filter(
            partnership=audit.partnership, role=Role.FAMILY_PARTNER, active=True
        )
        .exclude(pk__in=already)
        .select_related("user")
    )


@partnership_view(AUDIT_EDITORS)
def family_invite(request, pk):
    """The service's editors, commissioners and admins: invite family partners, or someone
    new by email, to rate the audit."""
    audit = _audit(request, pk)
    if not services.can_invite(audit, request.membership):
        if request.method == "POST":
            raise PermissionDenied("Families cannot be invited to this audit now.")
        messages.warning(request, "Families cannot be invited to this audit now.")
        return redirect(_url(request, "family_compare", pk=audit.pk))
    form = FamilyInviteForm(
        request.POST if request.method == "POST" else None, candidates=_candidates(audit)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited, invitation = services.family_invite(
                audit=audit,
                membership=request.membership,
                by=request.user,
                members=form.chosen_members(),
                email=data["email"],
                full_name=data["full_name"],
                base_url=request.build_absolute_uri("/"),
            )
        except services.FamilyError as error:
            form.add_error("email" if data["email"] else None, str(error))
        else:
            if invitation is not None:
                security_event_record(
                    kind=SecurityEvent.Kind.INVITATION_SENT,
                    request=request,
                    detail={
                        "email": invitation.email,
                        "role": invitation.role,
                        "audit": audit.pk,
                    },
                )
            names = [m.user.get_full_name() for m in invited]
            if invitation is not None:
                names.append(invitation.email)
            messages.success(request, f"Invited to rate this audit: {', '.join(names)}.")
            return redirect(_url(request, "family_compare", pk=audit.pk))
    return render(request, "audits/family/invite.html", {"audit": audit, "form": form})


@partnership_view(AUDIT_EDITORS)
def family_agree(request, pk, number):
    """The service's editors, commissioners and admins: the level agreed with families for
    a principle the two sides rated differently, and a note of how."""
    audit = _audit(request, pk)
    if not services.can_agree(audit, request.membership):
        raise PermissionDenied("Your role does not allow you to record an agreed level.")
    review = review_of(audit)
    if review is None or not review.is_submitted:
        raise Http404("Families have not sent their ratings")
    row = next((r for r in comparison(audit, review) if r.principle.number == number), None)
    if row is None or not row.differs:
        raise Http404("Nothing to agree for this principle")
    levels = list(audit.framework.levels.all())
    initial = {
        "agreed_level": str(row.family.agreed_level_id) if row.family.agreed_level_id else None,
        "agreed_note": row.family.agreed_note,
    }
    form = AgreedLevelForm(
        request.POST if request.method == "POST" else None, levels=levels, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.family_agreed_save(
                rating=row.family,
                membership=request.membership,
                by=request.user,
                agreed_level=form.chosen_level(),
                note=form.cleaned_data["agreed_note"],
                service_level=row.service_level,
            )
        except services.FamilyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The agreed level for principle {number} has been saved.")
            return redirect(_url(request, "family_compare", pk=audit.pk))
    return render(request, "audits/family/agree.html", {"audit": audit, "row": row, "form": form})
