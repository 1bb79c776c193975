"""Walks every URL pattern and proves the tenancy rule for every role.

A new URL that this file does not know how to fill in fails `test_every_url_is_known`,
so each new page must be added to one of the tables below.
"""

import pytest
from django.db import models as db_models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from partnership.models import Role
from tests.factories.principles import FrameworkFactory

# URL names open without signing in, or handled by the sign-in library itself.
PUBLIC = {"healthz", "readyz", "invitation_accept", "email_preferences"}
# "Sign in with your council or NHS account": asks for a work email, shows no partnership data.
PUBLIC |= {"sso_start"}
# The privacy notice and accessibility statement: public by law, naming only the
# partnership and the contact details its admin chose to publish.
PUBLIC |= {"privacy", "accessibility", "partnership_privacy", "partnership_accessibility"}
# The partnership's "You said, we did" page: only the summaries a commissioner approved
# for the public, by service, and no names of people.
PUBLIC |= {"voice:yswd_public"}
# The API's description (no partnership's data in it).
PUBLIC |= {"api:schema", "api:swagger", "api:redoc"}
# The feedback survey families answer with no account, reached by the link's token. It
# shows only the project and service name (tests/voice/test_survey_answering.py).
SURVEY_PUBLIC = {
    "voice:survey_start",
    "voice:survey_question",
    "voice:survey_check",
    "voice:survey_done",
}
PUBLIC |= SURVEY_PUBLIC
# Browsers post content security policy violation reports here without signing in.
PUBLIC |= {"csp_report"}
# Platform operators only (Django staff); not partnership pages.
PLATFORM_NAMESPACES = {"admin"}
AUTH_LIBRARY_MODULE_PREFIXES = ("allauth.",)
# Pages outside any partnership that need a signed-in person.
SIGNED_IN = {"chooser", "keep_alive", "personal_data", "notification_preferences"}

# Partnership pages with no object in the URL.
PARTNERSHIP_PAGES = {
    "partnership:home",
    "partnership:organisation_list",
    "partnership:organisation_create",
    "partnership:service_list",
    "partnership:service_create",
    "partnership:project_list",
    "partnership:project_create",
    "partnership:people_list",
    "partnership:person_invite",
    "partnership:security_log",
    "partnership:settings",
    "partnership:security_log_export",
    "principles:framework_current",
    "audits:audit_list",
    "audits:review_list",
    "reporting:dashboard",
    "reporting:drill_down",
    "reporting:heat_map",
    "reporting:unaudited_services",
    "reporting:export_csv",
    "reporting:export_xlsx",
    "reporting:pack_list",
    "reporting:pack_create",
    "reporting:meeting_list",
    # Reminders, the action plan after acceptance and the programme.
    "audits:action_list",
    "audits:action_export",
    "audits:programme",
    "notifications:list",
    "notifications:problems",
    "notifications:settings",
    "partnership:directory_import",
    "partnership:directory_import_confirm",
    "partnership:directory_template_xlsx",
    "partnership:directory_template_csv",
    "api_keys:list",
    "api_keys:create",
    # The feedback survey's results and the statement mapping.
    "voice:survey_results",
    "voice:survey_results_csv",
    "voice:survey_mapping",
    "sso:settings",
    # "You said, we did": the summaries and the admin's choice of what the public page shows.
    "voice:yswd_manage",
    "voice:yswd_settings",
}

# Partnership pages about one object: how to find that object in an area.
OBJECT_PAGES = {
    "partnership:organisation_edit": lambda a: a.organisation,
    "partnership:organisation_deactivate": lambda a: a.organisation,
    "partnership:service_edit": lambda a: a.service,
    "partnership:service_deactivate": lambda a: a.service,
    "partnership:project_detail": lambda a: a.project,
    "partnership:project_edit": lambda a: a.project,
    "partnership:project_deactivate": lambda a: a.project,
    "partnership:person_edit": lambda a: a.members[Role.SERVICE_LEAD],
    "partnership:person_deactivate": lambda a: a.members[Role.SERVICE_LEAD],
    "partnership:person_reactivate": lambda a: a.inactive_member,
    "partnership:person_mfa_reset": lambda a: a.members[Role.SERVICE_LEAD],
    "partnership:person_erase": lambda a: a.members[Role.SERVICE_LEAD],
    "partnership:invitation_revoke": lambda a: a.invitation,
    "principles:framework_detail": lambda a: FrameworkFactory(partnership=a.partnership),
    "audits:audit_start": lambda a: a.project,
    "audits:task_list": lambda a: audit_of(a),
    "audits:audit_view": lambda a: audit_of(a),
    "audits:details": lambda a: audit_of(a),
    "audits:principle": lambda a: audit_of(a),
    "audits:summary": lambda a: audit_of(a),
    "audits:check": lambda a: audit_of(a),
    "audits:history": lambda a: audit_of(a),
    "audits:review": lambda a: audit_of(a, submitted=True),
    "audits:evidence_download": lambda a: evidence_of(a),
    "audits:evidence_remove": lambda a: evidence_of(a),
    "reporting:audit_pdf": lambda a: audit_of(a),
    "reporting:audit_print": lambda a: audit_of(a),
    "reporting:audit_pdf_status": lambda a: audit_of(a),
    "reporting:audit_pdf_download": lambda a: audit_of(a),
    "reporting:pack_detail": lambda a: pack_of(a),
    "reporting:pack_status": lambda a: pack_of(a),
    "reporting:pack_download": lambda a: pack_of(a, ready=True),
    "reporting:pack_html": lambda a: pack_of(a, ready=True),
    "reporting:pack_retry": lambda a: pack_of(a, failed=True),
    "reporting:meeting_remove": lambda a: meeting_of(a),
    # Reminders, the action plan after acceptance and the programme.
    "audits:action_detail": lambda a: action_of(a),
    "notifications:open": lambda a: notification_of(a),
    "api_keys:revoke": lambda a: api_key_of(a),
    # Families check and challenge: the family partner's pages, then the service's.
    "audits:family_rate": lambda a: family_audit_of(a),
    "audits:family_principle": lambda a: family_audit_of(a),
    "audits:family_check": lambda a: family_audit_of(a),
    "audits:family_compare": lambda a: family_audit_of(a, sent=True),
    "audits:family_invite": lambda a: family_audit_of(a),
    "audits:family_agree": lambda a: family_audit_of(a, sent=True),
    # The feedback survey's links, QR codes and posters.
    "voice:survey_links": lambda a: a.project,
    "voice:survey_link": lambda a: survey_link_of(a),
    "voice:survey_poster": lambda a: survey_link_of(a),
    "voice:survey_qr": lambda a: survey_link_of(a),
    "voice:yswd_write": lambda a: audit_of(a, accepted=True),
    "voice:yswd_review": lambda a: summary_of(a),
    "partnership:directory_import_detail": lambda a: import_job_of(a),
    "partnership:directory_import_status": lambda a: import_job_of(a),
    "partnership:directory_import_retry": lambda a: import_job_of(a, failed=True),
}

# How an object fills in a URL, where it is not simply `pk`.
URL_KWARGS = {
    "audits:audit_start": lambda obj: {"project_pk": obj.pk},
    "audits:principle": lambda obj: {"pk": obj.pk, "number": 1},
    "audits:evidence_download": lambda obj: {"pk": obj.audit_id, "evidence_pk": obj.pk},
    "audits:evidence_remove": lambda obj: {"pk": obj.audit_id, "evidence_pk": obj.pk},
    "audits:family_principle": lambda obj: {"pk": obj.pk, "number": 1},
    "audits:family_agree": lambda obj: {"pk": obj.pk, "number": 1},
    "voice:survey_links": lambda obj: {"project_pk": obj.pk},
}


def audit_of(area, submitted=False, accepted=False):
    from tests.factories.audits import accepted_audit, start_audit, submitted_audit

    if accepted:
        return accepted_audit(area)
    return submitted_audit(area) if submitted else start_audit(area)


def family_audit_of(area, sent=False):
    """A submitted audit the area's family partner is invited to; when `sent`, they rated
    every principle Room for Improvement (the service said Good) and sent their ratings."""
    from audits import services_family

    audit = audit_of(area, submitted=True)
    lead, family = area.members[Role.ADMIN], area.members[Role.FAMILY_PARTNER]
    services_family.family_invite(audit=audit, membership=lead, by=lead.user, members=[family])
    if sent:
        review = audit.family_review
        lowest = audit.framework.levels.get(rank=1)
        for rating in review.ratings.all():
            services_family.family_rating_save(
                rating=rating, membership=family, by=family.user, level=lowest, comment=""
            )
        services_family.family_review_submit(review=review, membership=family, by=family.user)
    return audit


def summary_of(area):
    from voice.yswd_services import summary_save

    lead = area.members[Role.SERVICE_LEAD]
    return summary_save(
        audit=audit_of(area, accepted=True),
        membership=lead,
        by=lead.user,
        you_said="You said",
        we_did="We did",
        next_steps="Next",
        send=True,
    )


def evidence_of(area):
    from audits.models import Evidence

    audit = audit_of(area)
    return Evidence.objects.create(
        audit=audit,
        assessment=audit.assessments.first(),
        kind=Evidence.Kind.LINK,
        title="Minutes",
        url="https://example.org/minutes",
    )


def import_job_of(area, failed=False):
    from django.core.files.base import ContentFile

    from partnership.models import DirectoryImport

    job = DirectoryImport(
        partnership=area.partnership,
        token=f"t-{area.partnership.pk}-{failed}",
        file_name="directory.csv",
        status=DirectoryImport.Status.FAILED if failed else DirectoryImport.Status.QUEUED,
    )
    job.file.save("directory.csv", ContentFile(b"Name,Sector\nA,Health\n"), save=False)
    job.save()
    return job


def pack_of(area, ready=False, failed=False):
    from django.core.files.base import ContentFile

    from reporting.models import BoardPack

    pack = BoardPack.objects.create(
        partnership=area.partnership,
        dedupe_key=f"tenancy-{BoardPack.objects.count()}",
        period_label="All time",
        status=BoardPack.Status.FAILED if failed else BoardPack.Status.QUEUED,
    )
    if ready:
        pack.file.save("pack.pdf", ContentFile(b"%PDF-1.7 pack"), save=False)
        pack.html_file.save("pack.html", ContentFile(b"<!DOCTYPE html>"), save=False)
        pack.status = BoardPack.Status.READY
        pack.save()
    return pack


def meeting_of(area):
    from datetime import timedelta

    from django.utils import timezone

    from reporting.models import BoardMeeting

    return BoardMeeting.objects.create(
        partnership=area.partnership, date=timezone.localdate() + timedelta(days=30)
    )


def action_of(area):
    from tests.factories.audits import accepted_audit

    return accepted_audit(area).actions.get()


def notification_of(area):
    from notifications.delivery import notify

    # Addressed to the member of every role in turn would need one each; the admin's is
    # enough to prove another partnership's id is the same as no id for everyone.
    return notify(
        partnership=area.partnership,
        recipient=area.members[Role.ADMIN].user,
        title="Review due",
        url=f"/{area.partnership.slug}/",
    )


def api_key_of(area):
    from api.services import api_key_create

    key, _ = api_key_create(
        partnership=area.partnership,
        by=area.members[Role.ADMIN].user,
        name="Nightly sync",
        role=Role.COMMISSIONER,
        access="read",
    )
    return key


def survey_link_of(area):
    from tests.factories.surveys import survey_link

    return survey_link(area)


def kwargs_for(name, obj):
    return URL_KWARGS.get(name, lambda o: {"pk": o.pk})(obj)


def walk(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from walk(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, entry


def project_url_names():
    names = set()
    for name, pattern in walk():
        module = getattr(pattern.callback, "__module__", "")
        if name and name.split(":")[0] in PLATFORM_NAMESPACES:
            continue
        if module.startswith(AUTH_LIBRARY_MODULE_PREFIXES) or module.startswith("django."):
            continue
        names.add(name)
    return names


def url(area, name, obj=None):
    kwargs = {"slug": area.partnership.slug}
    if obj is not None:
        kwargs.update(kwargs_for(name, obj))
    return reverse(name, kwargs=kwargs)


def missing_url(area, name, obj):
    """The same URL with ids that exist nowhere."""
    kwargs = {k: (v if k == "number" else 987654321) for k, v in kwargs_for(name, obj).items()}
    return reverse(name, kwargs={"slug": area.partnership.slug, **kwargs})


def snapshot(obj):
    """Every concrete field of an object, as stored now."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {
        f.attname: getattr(fresh, f.attname)
        for f in fresh._meta.concrete_fields
        if not isinstance(f, db_models.AutoField)
    }


# A POST that would change something on any page, if it were let through.
HOSTILE_POST = {
    "name": "Changed",
    "title": "Changed",
    "role": Role.ADMIN,
    "notes": "Changed",
    "summary": "Changed",
    "decision": "accept",
    "comment_overall": "Changed",
    "carry_forward": "0",
    "status": "done",
    "who": "Changed",
    "review_offsets": "1",
    "all_read": "1",
}


def row_counts():
    from django.apps import apps

    # The security log is the one table a refused request may write to: it records probes.
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in ("partnership", "principles", "audits", "voice", "reporting", "notifications")
        in ("partnership", "principles", "audits", "reporting", "notifications", "voice")
        and model._meta.label != "partnership.SecurityEvent"
    }


def test_every_url_is_known():
    known = PUBLIC | SIGNED_IN | PARTNERSHIP_PAGES | set(OBJECT_PAGES) | set(API_ROUTES)
    unknown = project_url_names() - known
    assert not unknown, f"Add these URLs to the tenancy test: {sorted(unknown)}"
    assert None not in project_url_names(), "Every project URL needs a name"


ALL_PARTNERSHIP_URLS = sorted(PARTNERSHIP_PAGES | set(OBJECT_PAGES))


@pytest.mark.parametrize("name", ALL_PARTNERSHIP_URLS)
def test_anonymous_gets_sign_in(client, area, name):
    obj = OBJECT_PAGES[name](area) if name in OBJECT_PAGES else None
    for method in (client.get, client.post):
        response = method(url(area, name, obj))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", ALL_PARTNERSHIP_URLS)
def test_non_member_gets_404_for_whole_partnership(client, area, other_area, role, name):
    """A member of another partnership, whatever their role, sees nothing here."""
    client.force_login(other_area.members[role].user)
    obj = OBJECT_PAGES[name](area) if name in OBJECT_PAGES else None
    before = snapshot(obj) if obj is not None else None
    assert client.get(url(area, name, obj)).status_code == 404
    rows_before = row_counts()
    assert client.post(url(area, name, obj), HOSTILE_POST).status_code == 404
    assert row_counts() == rows_before
    if obj is not None:
        assert snapshot(obj) == before
        # Asking for another partnership's objects is written to that partnership's log.
        from partnership.models import SecurityEvent

        probe = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PROBED).first()
        assert probe.partnership == area.partnership
        assert probe.user == other_area.members[role].user


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", sorted(OBJECT_PAGES))
def test_object_of_other_partnership_is_404_like_missing(client, area, other_area, role, name):
    """In their own partnership's URLs, another partnership's id is the same as no id."""
    client.force_login(area.members[role].user)
    foreign = OBJECT_PAGES[name](other_area)
    before = snapshot(foreign)
    foreign_url = url(area, name, foreign)
    missing = missing_url(area, name, foreign)
    foreign_get = client.get(foreign_url)
    missing_get = client.get(missing)
    assert foreign_get.status_code == missing_get.status_code
    assert foreign_get.status_code in (403, 404, 405)
    if area.members[role].role == Role.ADMIN or name == "partnership:project_detail":
        # Roles allowed on the page get 404: the object does not exist for them.
        assert foreign_get.status_code in (404, 405)
    rows_before = row_counts()
    foreign_post = client.post(foreign_url, HOSTILE_POST)
    assert foreign_post.status_code == client.post(missing, {"name": "Changed"}).status_code
    assert foreign_post.status_code in (403, 404)
    assert snapshot(foreign) == before
    assert row_counts() == rows_before


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", ALL_PARTNERSHIP_URLS)
def test_members_never_see_an_error(client, area, role, name):
    """Every page answers each role with a page, a redirect or a refusal, never a crash."""
    client.force_login(area.members[role].user)
    obj = OBJECT_PAGES[name](area) if name in OBJECT_PAGES else None
    response = client.get(url(area, name, obj))
    assert response.status_code in (200, 302, 403, 404, 405), (name, role)


def test_unknown_partnership_is_404_like_a_foreign_one(client, area, other_area):
    client.force_login(area.members[Role.ADMIN].user)
    assert client.get("/no-such-area/").status_code == 404
    assert client.get(f"/{other_area.partnership.slug}/").status_code == 404


def test_public_pages_need_no_sign_in(client, area):
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("readyz")).status_code == 200
    response = client.get(reverse("invitation_accept", args=[area.invitation.token]))
    assert response.status_code == 200
    assert client.get(reverse("chooser")).status_code == 302
    assert client.get(reverse("sso_start")).status_code == 200


@pytest.mark.parametrize("name", sorted(SURVEY_PUBLIC))
def test_survey_pages_of_another_partnership_are_the_same_kind_page_as_none(
    client, area, other_area, name
):
    """A survey link opened under another partnership's address is the same as a link that
    does not exist, and nothing of either partnership shows."""
    from tests.factories.surveys import survey_link

    link = survey_link(other_area)
    extra = {"number": 1} if name == "voice:survey_question" else {}
    elsewhere = reverse(name, kwargs={"slug": area.partnership.slug, "token": link.token, **extra})
    missing = reverse(
        name, kwargs={"slug": area.partnership.slug, "token": "no-such-link", **extra}
    )
    rows_before = row_counts()
    for method in (client.get, client.post):
        foreign, absent = method(elsewhere), method(missing)
        assert foreign.status_code == absent.status_code == 404
        assert foreign.content == absent.content
        for text in (area.partnership.name, other_area.partnership.name, other_area.project.title):
            assert text not in foreign.content.decode()
    assert row_counts() == rows_before
    public = reverse("voice:yswd_public", args=[area.partnership.slug])
    assert client.get(public).status_code == 200
    assert client.get(reverse("voice:yswd_public", args=["no-such-area"])).status_code == 404


# --- The API (/api/v1/<partnership>/...) ---------------------------------------------
# Every API route, with the object it is about (None for a list). Anyone signed in or
# holding a key of another partnership gets the same 404 as for a missing object, for
# every method; nothing is written.

API_ROUTES = {
    "api:portfolio": None,
    "api:organisation-list": None,
    "api:organisation-detail": lambda a: a.organisation,
    "api:service-list": None,
    "api:service-detail": lambda a: a.service,
    "api:project-list": None,
    "api:project-detail": lambda a: a.project,
    "api:framework-list": None,
    "api:framework-detail": lambda a: FrameworkFactory(partnership=a.partnership),
    "api:audit-list": None,
    "api:audit-detail": lambda a: audit_of(a, submitted=True),
    "api:action-list": None,
    "api:action-detail": lambda a: action_of(a),
    "api:action-progress": lambda a: action_of(a),
    "api:board-pack-list": None,
    "api:board-pack-detail": lambda a: pack_of(a, ready=True),
}
# Routes that only take a POST: a member's GET is a 405, not an error.
API_POST_ONLY = {"api:action-progress"}
API_NAMES = sorted(API_ROUTES)


def api_object(area, name):
    getter = API_ROUTES[name]
    return getter(area) if getter else None


def api_key_client(area, role):
    from rest_framework.test import APIClient

    from api.services import api_key_create

    key, text = api_key_create(
        partnership=area.partnership,
        by=area.members[Role.ADMIN].user,
        name=f"{role} key",
        role=role,
        access="read_write",
        services=[area.service] if role == Role.SERVICE_LEAD else (),
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {text}")
    return client


def api_session_client(area, role):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(area.members[role].user)
    return client


def api_calls(client, address):
    """Every method an API route might answer, each trying to change something."""
    return [
        client.get(address),
        client.post(address, HOSTILE_POST, format="json"),
        client.patch(address, HOSTILE_POST, format="json"),
        client.put(address, HOSTILE_POST, format="json"),
        client.delete(address),
    ]


@pytest.mark.parametrize("name", API_NAMES)
def test_api_anonymous_gets_401(area, name):
    from rest_framework.test import APIClient

    obj = api_object(area, name)
    for response in api_calls(APIClient(), url(area, name, obj)):
        assert response.status_code == 401, name
        assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize("credentials", ["session", "key"])
@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", API_NAMES)
def test_api_other_partnership_gets_404(area, other_area, credentials, role, name):
    """A member of another partnership, or a key of it, sees nothing here, in any role."""
    make = api_session_client if credentials == "session" else api_key_client
    client = make(other_area, role)
    obj = api_object(area, name)
    before = snapshot(obj) if obj is not None else None
    rows_before = row_counts()
    for response in api_calls(client, url(area, name, obj)):
        assert response.status_code == 404, (name, role, credentials, response.status_code)
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert row_counts() == rows_before
    if obj is not None:
        assert snapshot(obj) == before


@pytest.mark.parametrize("credentials", ["session", "key"])
@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", sorted(n for n, getter in API_ROUTES.items() if getter))
def test_api_object_of_other_partnership_is_404_like_missing(
    area, other_area, credentials, role, name
):
    """In their own partnership's URLs, another partnership's id is the same as no id."""
    make = api_session_client if credentials == "session" else api_key_client
    client = make(area, role)
    foreign = api_object(other_area, name)
    before = snapshot(foreign)
    rows_before = row_counts()
    for foreign_response, missing_response in zip(
        api_calls(client, url(area, name, foreign)),
        api_calls(client, missing_url(area, name, foreign)),
        strict=True,
    ):
        assert foreign_response.status_code == missing_response.status_code, (name, role)
        assert foreign_response.content == missing_response.content
        assert foreign_response.status_code in (403, 404, 405)
    assert snapshot(foreign) == before
    assert row_counts() == rows_before


@pytest.mark.parametrize("credentials", ["session", "key"])
@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", API_NAMES)
def test_api_members_never_see_an_error(area, credentials, role, name):
    make = api_session_client if credentials == "session" else api_key_client
    client = make(area, role)
    obj = api_object(area, name)
    response = client.get(url(area, name, obj))
    allowed = (200, 403, 404, 405) if name in API_POST_ONLY else (200, 403, 404)
    assert response.status_code in allowed, (name, role, response.status_code)


# --- end of the API block --------------------------------------------------------------
