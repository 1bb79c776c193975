"""Families check and challenge: invitations, independent ratings, the gap and the agreed level."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from api.services import api_key_create
from audits import services_family as services
from audits.models import FamilyInvitation, FamilyRating, FamilyReview
from partnership.models import Invitation, Membership, Role
from tests.factories import MembershipFactory, ProjectFactory
from tests.factories.audits import fill_audit, start_audit

SECRET = "Nobody asked my son what he thought"


def url(area, name, audit, **kwargs):
    return reverse(
        f"audits:{name}", kwargs={"slug": area.partnership.slug, "pk": audit.pk, **kwargs}
    )


@pytest.fixture
def audit(area):
    """A submitted audit where the service rated every principle Excellent."""
    lead = area.members[Role.SERVICE_LEAD]
    audit = fill_audit(start_audit(area, lead), lead, rank=3)
    from audits import services as audit_services

    return audit_services.audit_submit(
        audit=audit, membership=lead, by=lead.user, name="Lee", designation="Lead", confirmed=True
    )


@pytest.fixture
def family(area):
    return area.members[Role.FAMILY_PARTNER]


def another_audit(area):
    """A submitted audit of another project of the same service."""
    from audits import services as audit_services

    lead = area.members[Role.SERVICE_LEAD]
    audit = fill_audit(start_audit(area, lead, ProjectFactory(service=area.service)), lead)
    return audit_services.audit_submit(
        audit=audit, membership=lead, by=lead.user, name="Lee", designation="Lead", confirmed=True
    )


def invite(area, audit, family):
    lead = area.members[Role.SERVICE_LEAD]
    services.family_invite(audit=audit, membership=lead, by=lead.user, members=[family])
    return FamilyReview.objects.get(audit=audit)


def rate(review, family, ranks, comment=SECRET):
    levels = {level.rank: level for level in review.audit.framework.levels.all()}
    for rating in review.ratings.select_related("principle"):
        services.family_rating_save(
            rating=rating,
            membership=family,
            by=family.user,
            level=levels[ranks[rating.principle.number - 1]],
            comment=comment if rating.principle.number == 1 else "",
        )


def send(review, family):
    services.family_review_submit(review=review, membership=family, by=family.user)


def service_pages(area, audit):
    return {
        "audit": url(area, "audit_view", audit),
        "review": url(area, "review", audit),
        "families": url(area, "family_compare", audit),
        "history": url(area, "history", audit),
        "print": reverse(
            "reporting:audit_print", kwargs={"slug": area.partnership.slug, "pk": audit.pk}
        ),
    }


# --- Independence ---------------------------------------------------------------------


def test_the_service_sees_no_family_rating_until_families_send_them(client, area, audit, family):
    review = invite(area, audit, family)
    rate(review, family, [1, 1, 1, 1, 1, 1])
    for role in (Role.SERVICE_LEAD, Role.COMMISSIONER, Role.ADMIN):
        client.force_login(area.members[role].user)
        for name, page in service_pages(area, audit).items():
            if name == "review" and role == Role.SERVICE_LEAD:
                continue  # reviewing is for commissioners and admins
            response = client.get(page)
            assert response.status_code == 200, (role, name)
            html = response.content.decode()
            assert SECRET not in html, (role, name)
            assert "families: Room for Improvement" not in html, (role, name)
    client.force_login(area.members[Role.ADMIN].user)
    assert (
        "Families are rating this audit"
        in client.get(url(area, "family_compare", audit)).content.decode()
    )
    # Nor through the API.
    _, key = api_key_create(
        partnership=area.partnership,
        by=area.members[Role.ADMIN].user,
        name="sync",
        role=Role.COMMISSIONER,
        access="read",
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = api.get(
        reverse("api:audit-detail", kwargs={"slug": area.partnership.slug, "pk": audit.pk})
    ).content.decode()
    assert SECRET not in body and "Room for Improvement" not in body

    send(review, family)
    for role in (Role.SERVICE_LEAD, Role.COMMISSIONER):
        client.force_login(area.members[role].user)
        for name in ("audit", "families") + (("review",) if role != Role.SERVICE_LEAD else ()):
            html = client.get(service_pages(area, audit)[name]).content.decode()
            assert SECRET in html, (role, name)
            assert "Service: Excellent, families: Room for Improvement" in html, (role, name)


def test_families_see_no_service_level_until_they_send_theirs(client, area, audit, family):
    review = invite(area, audit, family)
    client.force_login(family.user)
    pages = [url(area, "family_rate", audit), url(area, "family_check", audit)]
    pages += [url(area, "family_principle", audit, number=n) for n in range(1, 7)]
    for page in pages:
        html = client.get(page).content.decode()
        assert "Evidence for principle" not in html, page
        assert "What the service said" not in html, page
        assert "Service: Excellent" not in html, page
        assert "checked>" not in html, page  # nothing chosen for them
    # The service's own pages stay closed to a family partner.
    for name, page in service_pages(area, audit).items():
        assert client.get(page).status_code in (403, 404), name

    rate(review, family, [2, 2, 2, 2, 2, 2])
    send(review, family)
    html = client.get(url(area, "family_rate", audit)).content.decode()
    assert "Your answers have been sent" in html
    assert "Service: Excellent, families: Good" in html
    assert "The service rated itself higher" in html


def test_ratings_cannot_change_once_sent_and_every_part_is_needed(client, area, audit, family):
    review = invite(area, audit, family)
    client.force_login(family.user)
    levels = {level.rank: level for level in audit.framework.levels.all()}
    first = url(area, "family_principle", audit, number=1)
    # No level chosen: the message is beside the question and the comment is kept.
    response = client.post(first, {"comment": "Half a thought"})
    html = response.content.decode()
    assert "Choose the words that fit best" in html and "Half a thought" in html
    assert 'href="#id_level_0"' in html
    response = client.post(first, {"level": levels[1].pk, "comment": "Too late"})
    assert response.url == url(area, "family_principle", audit, number=2)
    # Sending with five parts missing names the first missing part.
    response = client.post(url(area, "family_check", audit))
    assert response.status_code == 400
    assert "Choose a level for principle 2" in response.content.decode()
    assert not FamilyReview.objects.get(pk=review.pk).is_submitted

    rate(review, family, [1, 2, 3, 1, 2, 3])
    assert client.post(url(area, "family_check", audit)).status_code == 302
    assert FamilyReview.objects.get(pk=review.pk).is_submitted
    with pytest.raises(services.FamilyError, match="cannot be changed"):
        rate(review, family, [3, 3, 3, 3, 3, 3])
    response = client.post(first, {"level": levels[3].pk})
    assert response.status_code == 302
    assert FamilyRating.objects.get(review=review, principle__number=1).level == levels[1]


def test_a_comment_over_the_limit_is_refused_and_kept(client, area, audit, family):
    invite(area, audit, family)
    client.force_login(family.user)
    level = audit.framework.levels.get(rank=2)
    long = "<script>alert(1)</script>" + "x" * 5_000
    response = client.post(
        url(area, "family_principle", audit, number=1), {"level": level.pk, "comment": long}
    )
    html = response.content.decode()
    assert "Your comment must be 5,000 characters or fewer" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert FamilyRating.objects.get(review__audit=audit, principle__number=1).comment == ""


# --- The gap and the agreed level -----------------------------------------------------


def test_the_lead_records_an_agreed_level_where_the_sides_differ(client, area, audit, family):
    review = invite(area, audit, family)
    rate(review, family, [1, 3, 3, 3, 3, 3])
    send(review, family)
    client.force_login(area.members[Role.SERVICE_LEAD].user)
    html = client.get(url(area, "family_compare", audit)).content.decode()
    assert "Service: Excellent, families: Room for Improvement" in html
    assert "Service rated higher<" in html
    assert html.count("Record the agreed level") == 1
    # Where both gave the same level there is nothing to agree.
    assert client.get(url(area, "family_agree", audit, number=2)).status_code == 404

    agree = url(area, "family_agree", audit, number=1)
    good = audit.framework.levels.get(rank=2)
    response = client.post(agree, {"agreed_level": good.pk, "agreed_note": ""})
    assert "Enter a note on how the level was agreed" in response.content.decode()
    response = client.post(agree, {"agreed_note": "Met the forum"})
    assert "Choose the agreed level" in response.content.decode()
    response = client.post(agree, {"agreed_level": good.pk, "agreed_note": "Met the forum"})
    assert response.status_code == 302
    rating = FamilyRating.objects.get(review=review, principle__number=1)
    assert rating.agreed_level == good and rating.agreed_note == "Met the forum"
    # The audit keeps all three, and the history says who said what.
    assert audit.assessments.get(principle__number=1).level.rank == 3
    assert rating.level.rank == 1
    history = client.get(url(area, "history", audit)).content.decode()
    assert "Families’ rating of principle 1" in history
    assert "Families’ level" in history and "Agreed level" in history
    assert escape(family.user.get_full_name()) in history
    assert escape(area.members[Role.SERVICE_LEAD].user.get_full_name()) in history
    assert "Met the forum" in history


def test_only_the_service_side_may_agree(client, area, audit, family):
    review = invite(area, audit, family)
    rate(review, family, [1, 3, 3, 3, 3, 3])
    send(review, family)
    board = area.members[Role.BOARD_MEMBER]
    client.force_login(board.user)
    assert client.get(url(area, "family_agree", audit, number=1)).status_code == 403
    client.force_login(family.user)
    assert client.get(url(area, "family_agree", audit, number=1)).status_code == 403


# --- Invitations ----------------------------------------------------------------------


def test_inviting_a_family_partner_of_the_partnership(client, area, audit, family):
    client.force_login(area.members[Role.SERVICE_LEAD].user)
    page = url(area, "family_invite", audit)
    assert escape(family.user.get_full_name()) in client.get(page).content.decode()
    response = client.post(page, {})
    assert "Choose a family partner or enter an email address" in response.content.decode()
    response = client.post(page, {"members": [family.pk]})
    assert response.status_code == 302
    assert FamilyInvitation.objects.filter(audit=audit, membership=family).exists()
    assert family.user.notifications.filter(title__contains=audit.project.title).exists()
    client.force_login(family.user)
    home = client.get(reverse("partnership:home", args=[area.partnership.slug])).content.decode()
    assert "Audits waiting for your ratings (1)" in home
    assert url(area, "family_rate", audit) in home


def test_inviting_by_email_gives_a_new_family_partner_that_one_audit(
    client, area, audit, django_capture_on_commit_callbacks
):
    other_audit = another_audit(area)
    client.force_login(area.members[Role.SERVICE_LEAD].user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(area, "family_invite", audit),
            {"email": "New.Parent@example.org", "full_name": "Pat"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.parent@example.org")
    assert invitation.role == Role.FAMILY_PARTNER
    assert len(mail.outbox) == 1 and "check and challenge" in mail.outbox[0].body
    client.logout()

    accept = reverse("invitation_accept", args=[invitation.token])
    response = client.post(
        accept,
        {
            "full_name": "Pat Parent",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )
    assert response.status_code == 302
    member = Membership.objects.get(user__email="new.parent@example.org")
    assert member.role == Role.FAMILY_PARTNER
    assert client.get(url(area, "family_rate", audit)).status_code == 200
    # Another audit of the same partnership is a 404, like one that does not exist.
    assert client.get(url(area, "family_rate", other_audit)).status_code == 404
    assert (
        client.get(url(area, "family_rate", audit).replace(str(audit.pk), "987654")).status_code
        == 404
    )


def test_a_second_audit_for_the_same_email_reuses_the_open_invitation(area, audit):
    lead = area.members[Role.SERVICE_LEAD]
    second = another_audit(area)
    for each in (audit, second):
        services.family_invite(audit=each, membership=lead, by=lead.user, email="p@example.org")
    invitation = Invitation.objects.get(email="p@example.org")
    assert FamilyInvitation.objects.filter(invitation=invitation).count() == 2


def test_someone_in_the_partnership_with_another_role_cannot_be_invited_to_rate(
    client, area, audit
):
    client.force_login(area.members[Role.SERVICE_LEAD].user)
    email = area.members[Role.BOARD_MEMBER].user.email
    response = client.post(url(area, "family_invite", audit), {"email": email})
    assert "Only family partners rate audits" in response.content.decode()
    assert not FamilyInvitation.objects.exists()


def test_a_family_partner_not_invited_gets_404(client, area, audit, family):
    invite(area, audit, family)
    stranger = MembershipFactory(partnership=area.partnership, role=Role.FAMILY_PARTNER)
    client.force_login(stranger.user)
    for page in (
        url(area, "family_rate", audit),
        url(area, "family_principle", audit, number=1),
        url(area, "family_check", audit),
    ):
        assert client.get(page).status_code == 404
        assert client.post(page, {"level": 1}).status_code == 404
    home = client.get(reverse("partnership:home", args=[area.partnership.slug])).content.decode()
    assert "No service has asked you to rate its work yet" in home


def test_families_cannot_be_invited_once_they_have_sent_their_ratings(client, area, audit, family):
    review = invite(area, audit, family)
    rate(review, family, [2] * 6)
    send(review, family)
    client.force_login(area.members[Role.SERVICE_LEAD].user)
    assert (
        client.post(url(area, "family_invite", audit), {"email": "x@example.org"}).status_code
        == 403
    )
    assert not Invitation.objects.filter(email="x@example.org").exists()


# --- Bounded queries ------------------------------------------------------------------


def test_family_pages_make_a_bounded_number_of_queries(
    client, area, audit, family, django_assert_max_num_queries
):
    review = invite(area, audit, family)
    for _ in range(3):
        extra = another_audit(area)
        invite(area, extra, family)
    client.force_login(family.user)
    for page in (
        reverse("partnership:home", args=[area.partnership.slug]),
        url(area, "family_rate", audit),
        url(area, "family_principle", audit, number=3),
        url(area, "family_check", audit),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(page).status_code == 200
    rate(review, family, [1, 2, 3, 1, 2, 3])
    send(review, family)
    with django_assert_max_num_queries(20):
        assert client.get(url(area, "family_rate", audit)).status_code == 200
    client.force_login(area.members[Role.COMMISSIONER].user)
    for page in (
        url(area, "family_compare", audit),
        url(area, "family_agree", audit, number=1),
        url(area, "family_invite", extra),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(page).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(url(area, "review", audit)).status_code == 200


def test_the_lead_is_told_where_levels_wait_to_be_agreed(client, area, audit, family):
    home = reverse("partnership:home", args=[area.partnership.slug])
    client.force_login(area.members[Role.SERVICE_LEAD].user)
    review = invite(area, audit, family)
    rate(review, family, [1, 3, 3, 3, 3, 3])
    # Not before the families have sent their ratings.
    assert "Agree levels with families" not in client.get(home).content.decode()
    send(review, family)
    html = client.get(home).content.decode()
    assert "Agree levels with families (1)" in html
    assert url(area, "family_compare", audit) in html
    rating = FamilyRating.objects.get(review=review, principle__number=1)
    lead = area.members[Role.SERVICE_LEAD]
    services.family_agreed_save(
        rating=rating,
        membership=lead,
        by=lead.user,
        agreed_level=rating.level,
        note="Agreed at the forum",
        service_level=audit.assessments.get(principle__number=1).level,
    )
    assert "Agree levels with families" not in client.get(home).content.decode()
