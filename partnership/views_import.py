"""Admins load organisations, services and projects from a spreadsheet.

Upload, then a preview of every creation, change and problem; nothing is written until
the admin confirms, and then all of it or none of it, by a worker (import_jobs.py) while
the job's page shows how far it has got. The uploaded file waits in storage under the
partnership's folder, named in the admin's session until confirmed, then by the job.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import directory_import as di
from . import import_jobs
from .access import MANAGERS, partnership_view
from .forms import GDSForm
from .models import DirectoryImport

SESSION_KEY = "directory_import"


class UploadForm(GDSForm):
    submit_label = "Check the file"

    file = forms.FileField(
        label="Upload the filled-in template",
        help_text="An XLSX workbook or a CSV file, up to 5 MB and 10,000 rows.",
    )


def _import_url(request):
    return reverse("partnership:directory_import", kwargs={"slug": request.partnership.slug})


@partnership_view(MANAGERS)
def directory_template_xlsx(request):
    response = HttpResponse(
        di.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="directory-template.xlsx"'
    return response


@partnership_view(MANAGERS)
def directory_template_csv(request):
    """?kind=organisations|services|projects (organisations when not given)."""
    kind = request.GET.get("kind", "organisations")
    sheet = {s.name.lower(): s for s in di.SHEETS}.get(kind)
    if sheet is None:
        raise Http404("No such template")
    response = HttpResponse(di.template_csv(sheet), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


def _stored(request):
    held = request.session.get(SESSION_KEY) or {}
    if held.get("partnership") != request.partnership.pk:
        return None
    return held


@partnership_view(MANAGERS)
def directory_import(request):
    """Admins: upload a file and see the preview (or the file's refusal)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    recent = DirectoryImport.objects.filter(partnership=request.partnership).select_related(
        "requested_by", "partnership"
    )[:10]
    context = {"form": form, "sheets": di.SHEETS, "recent": recent}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(di.MAX_BYTES + 1)
        try:
            sheets = di.read_rows(upload.name, content)
        except di.ImportRefused as refusal:
            form.add_error("file", str(refusal))
            return render(request, "partnership/import.html", context)
        plan = di.directory_plan(request.partnership, sheets)
        token = ""
        if plan.ok and not plan.nothing_to_do:
            extension = "xlsx" if content[:4] == b"PK\x03\x04" else "csv"
            path = default_storage.save(
                f"imports/{request.partnership.pk}/{uuid.uuid4().hex}.{extension}",
                ContentFile(content),
            )
            _forget(request)
            token = uuid.uuid4().hex
            request.session[SESSION_KEY] = {
                "partnership": request.partnership.pk,
                "path": path,
                "name": upload.name,
                "token": token,
                "rows": di.rows_to_write(plan),
            }
        return render(
            request,
            "partnership/import_preview.html",
            {"plan": plan, "file_name": upload.name, "counts": plan.counts(), "token": token},
        )
    return render(request, "partnership/import.html", context)


def _forget(request, keep_file=False):
    held = request.session.pop(SESSION_KEY, None)
    if held and not keep_file and default_storage.exists(held["path"]):
        default_storage.delete(held["path"])


@partnership_view(MANAGERS)
@require_POST
def directory_import_confirm(request):
    """Admins: queue the previewed file to be written, all or nothing, by a worker.

    The preview's token makes a second click (or a resent form) find the same job.
    """
    token = request.POST.get("token", "")
    if token:
        job = DirectoryImport.objects.filter(partnership=request.partnership, token=token).first()
        if job is not None:
            return redirect(job.get_absolute_url())
    held = _stored(request)
    if (
        held is None
        or not token
        or held.get("token") != token
        or not default_storage.exists(held["path"])
    ):
        messages.error(request, "There is no checked file waiting. Upload it again.")
        return redirect(_import_url(request))
    job, _ = import_jobs.directory_import_request(
        partnership=request.partnership,
        by=request.user,
        token=token,
        path=held["path"],
        file_name=held["name"],
        rows_total=held.get("rows", 0),
    )
    # The file now belongs to the job, which deletes it once the rows are written.
    _forget(request, keep_file=True)
    return redirect(job.get_absolute_url())


def _job(request, pk):
    job = get_object_or_404(
        DirectoryImport.objects.filter(partnership=request.partnership).select_related(
            "partnership", "requested_by"
        ),
        pk=pk,
    )
    if job.status == DirectoryImport.Status.SAVING:
        # A job whose worker died is shown failed as soon as anyone looks.
        import_jobs.directory_imports_fail_stuck(partnership=request.partnership)
        job.refresh_from_db()
    return job


def _state(job):
    """What the page and its script say about the job."""
    done, total = 0, job.rows_total
    if job.status == DirectoryImport.Status.SAVING:
        progress = import_jobs.progress_of(job)
        if progress is not None:
            done, total = progress[0], progress[1]
    if job.status == DirectoryImport.Status.QUEUED:
        message = (
            "Queued: the import will be saved as soon as the service that saves imports is free."
        )
    elif job.status == DirectoryImport.Status.SAVING:
        message = f"Saving: {done:,} of {total:,} rows"
    elif job.status == DirectoryImport.Status.DONE:
        message = "Saved"
    else:
        message = f"Failed: {job.failure_reason}"
    return {"status": job.status, "done": done, "total": total, "message": message}


def _sections(job):
    """The done page's lists: each sheet's added and changed rows, with links."""
    slug = job.partnership.slug
    lists = {
        di.ORGANISATIONS.name: reverse("partnership:organisation_list", args=[slug]),
        di.SERVICES.name: reverse("partnership:service_list", args=[slug]),
        di.PROJECTS.name: reverse("partnership:project_list", args=[slug]),
    }
    sections = []
    for kind, verb in (("created", "added"), ("changed", "changed")):
        for name, rows in (job.result.get(kind) or {}).items():
            if not rows:
                continue
            counts = job.result.get("counts", {}).get(name, [0, 0, 0])
            total = counts[0] if kind == "created" else counts[1]
            items = []
            for label, pk in rows:
                link = None
                if name == di.PROJECTS.name and pk:
                    link = reverse("partnership:project_detail", args=[slug, pk])
                items.append({"label": label, "link": link})
            sections.append(
                {
                    "title": f"{name} {verb}",
                    "items": items,
                    "more": max(total - len(items), 0),
                    "list_url": lists[name],
                    "name": name.lower(),
                }
            )
    return sections


@partnership_view(MANAGERS)
def directory_import_detail(request, pk):
    """Admins: where an import is: queued, saving (n of N rows), done, or failed."""
    job = _job(request, pk)
    return render(
        request,
        "partnership/import_job.html",
        {
            "job": job,
            "state": _state(job),
            "sections": _sections(job) if job.status == DirectoryImport.Status.DONE else [],
            "counts": (job.result or {}).get("counts", {}),
        },
    )


@partnership_view(MANAGERS)
def directory_import_status(request, pk):
    """The job's state for the page's own script."""
    response = JsonResponse(_state(_job(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@partnership_view(MANAGERS)
@require_POST
def directory_import_retry(request, pk):
    job = _job(request, pk)
    if not import_jobs.directory_import_retry(job=job) and job.status == "failed":
        messages.error(request, "The file of this import is no longer kept. Upload it again.")
        return redirect(_import_url(request))
    return redirect(job.get_absolute_url())
