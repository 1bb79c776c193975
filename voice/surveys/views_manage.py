"""Survey links, their QR code and poster, the results, and the statement mapping.

Links are made and managed by the people who may work on the project's audits (its
service's leads, commissioners and admins); results are for them too, a service lead
seeing their own services.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from partnership.access import AUDIT_EDITORS, MANAGERS, partnership_view
from partnership.models import Project, SecurityEvent
from partnership.security import security_event_record
from partnership.spreadsheets import safe_row
from principles.models import current_framework
from voice.models import SurveyLink

from . import questions, selectors, services
from .forms import ClosingDateForm, MappingForm, SurveyLinkForm
from .qr import qr_svg


def _project(request, pk):
    """A project the member may work on; another partnership's is a 404."""
    project = get_object_or_404(
        Project.objects.visible_to(request.membership).select_related("service__organisation"),
        pk=pk,
    )
    if not request.membership.may_work_on(project.service_id):
        raise PermissionDenied(
            "Only the people who work on this project's audits manage its survey"
        )
    return project


def _link(request, pk):
    link = get_object_or_404(
        SurveyLink.objects.for_partnership(request.partnership).select_related(
            "project__service__organisation", "created_by"
        ),
        pk=pk,
    )
    _project(request, link.project_id)
    return link


def _public_urls(request, link):
    path = reverse(
        "voice:survey_start", kwargs={"slug": request.partnership.slug, "token": link.token}
    )
    url = request.build_absolute_uri(path)
    return url, url + "?words=simple"


@partnership_view(AUDIT_EDITORS)
def survey_links(request, project_pk):
    """The project's survey links, and a form to make one."""
    project = _project(request, project_pk)
    form = SurveyLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        link = services.survey_link_create(
            project=project, by=request.user, closes_on=form.cleaned_data["closes_on"]
        )
        messages.success(request, "The survey link is ready. Share it, or print the poster.")
        return redirect("voice:survey_link", slug=request.partnership.slug, pk=link.pk)
    links = list(project.survey_links.select_related("created_by").order_by("-created_at"))
    counts = selectors.response_counts(request.partnership, [link.pk for link in links])
    for link in links:
        link.response_count = counts.get(link.pk, 0)
    return render(
        request,
        "voice/surveys/link_list.html",
        {"project": project, "links": links, "form": form},
    )


@partnership_view(AUDIT_EDITORS)
def survey_link(request, pk):
    """One link: its address, QR code and poster; close, reopen or change its date."""
    link = _link(request, pk)
    date_form = ClosingDateForm(
        request.POST if request.POST.get("action") == "date" else None,
        initial={"closes_on": link.closes_on},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close":
                services.survey_link_close(link=link)
                messages.success(
                    request, "The survey is closed. People who open the link are told so."
                )
                return redirect(request.path)
            if action == "reopen":
                services.survey_link_reopen(link=link)
                messages.success(request, "The survey is open again.")
                return redirect(request.path)
            if action == "date" and date_form.is_valid():
                services.survey_link_set_closing_date(
                    link=link, closes_on=date_form.cleaned_data["closes_on"]
                )
                messages.success(request, "The closing date is saved.")
                return redirect(request.path)
        except services.SurveyError as error:
            messages.error(request, str(error))
            return redirect(request.path)
    url, simple_url = _public_urls(request, link)
    results = selectors.project_results(request.partnership, link.project)
    return render(
        request,
        "voice/surveys/link_detail.html",
        {
            "link": link,
            "project": link.project,
            "url": url,
            "simple_url": simple_url,
            "qr": qr_svg(
                url, title=f"QR code for the feedback survey on {link.project.title}", scale=6
            ),
            "date_form": date_form,
            "results": results,
        },
    )


@partnership_view(AUDIT_EDITORS)
def survey_poster(request, pk):
    """A printable A4 poster with the QR code and the address."""
    link = _link(request, pk)
    url, simple_url = _public_urls(request, link)
    return render(
        request,
        "voice/surveys/poster.html",
        {
            "link": link,
            "project": link.project,
            "url": url,
            "qr": qr_svg(url, title=f"QR code for the feedback survey on {link.project.title}"),
        },
    )


@partnership_view(AUDIT_EDITORS)
def survey_qr(request, pk):
    """The QR code alone, as an SVG file for leaflets and slides."""
    link = _link(request, pk)
    url, _ = _public_urls(request, link)
    data = qr_svg(url, title=f"Feedback survey: {link.project.title}", standalone=True, scale=10)
    response = HttpResponse(data, content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="survey-{link.pk}-qr.svg"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _result_projects(request):
    projects = Project.objects.visible_to(request.membership).select_related(
        "service__organisation"
    )
    service = request.GET.get("service")
    if service and service.isdigit():
        projects = projects.filter(service_id=int(service))
    return projects.filter(survey_links__isnull=False).distinct().order_by("title")


@partnership_view(AUDIT_EDITORS)
def survey_results(request):
    """Results per service and per project, never below the small number."""
    projects = list(_result_projects(request))
    rows = selectors.results_by_service(request.partnership, projects)
    comments_for = None
    project_id = request.GET.get("project")
    if project_id and project_id.isdigit():
        chosen = next((p for p in projects if p.pk == int(project_id)), None)
        if chosen is None:
            raise Http404("No such project")
        comments_for = (chosen, selectors.project_comments(request.partnership, chosen))
    return render(
        request,
        "voice/surveys/results.html",
        {
            "rows": rows,
            "comments_for": comments_for,
            "small_number": questions.SMALL_NUMBER,
        },
    )


@partnership_view(AUDIT_EDITORS)
def survey_results_csv(request):
    """The results table as CSV; figures below the small number are left out."""
    projects = list(_result_projects(request))
    rows = selectors.results_by_service(request.partnership, projects)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="survey-results.csv"'
    writer = csv.writer(response)
    writer.writerow(["Service", "Project", "Answers", "Question", "Answer", "Count", "Percent"])

    def write(service, project_title, results):
        if not results.shown:
            writer.writerow(
                safe_row(
                    [
                        service.name,
                        project_title,
                        results.responses,
                        f"Fewer than {questions.SMALL_NUMBER} answers: not shown",
                        "",
                        "",
                        "",
                    ]
                )
            )
            return
        for statement in results.statements:
            for share in statement.shares:
                writer.writerow(
                    safe_row(
                        [
                            service.name,
                            project_title,
                            results.responses,
                            statement.text,
                            share.label,
                            share.count,
                            share.percent,
                        ]
                    )
                )
        for question, shares in (
            ("Was it meaningful and purposeful?", results.meaningful),
            ("Who answered", results.respondents),
        ):
            for share in shares:
                writer.writerow(
                    safe_row(
                        [
                            service.name,
                            project_title,
                            results.responses,
                            question,
                            share.label,
                            share.count,
                            share.percent,
                        ]
                    )
                )

    for row in rows:
        write(row.service, "All projects", row.results)
        for project, results in row.projects:
            write(row.service, project.title, results)
            comments = (
                selectors.project_comments(request.partnership, project) if results.shown else None
            )
            for text in comments or []:
                writer.writerow(
                    safe_row(
                        [
                            row.service.name,
                            project.title,
                            results.responses,
                            "What would you change?",
                            text,
                            "",
                            "",
                        ]
                    )
                )
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT_DOWNLOADED,
        request=request,
        detail={"export": "survey results", "format": "csv"},
    )
    return response


@partnership_view(MANAGERS)
def survey_mapping(request):
    """Admins: which principles each of Herefordshire's statements speaks to, for the
    check-and-challenge flag."""
    framework = current_framework(request.partnership)
    principles = list(framework.principles.order_by("number")) if framework else []
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        principles=principles,
        mapping=selectors.statement_mapping(request.partnership),
    )
    if request.method == "POST" and form.is_valid():
        services.statement_mapping_save(
            partnership=request.partnership, mapping=form.mapping(), by=request.user
        )
        messages.success(request, "The statements and principles are saved.")
        return redirect("voice:survey_mapping", slug=request.partnership.slug)
    return render(request, "voice/surveys/mapping.html", {"form": form})
