"""Admins load organisations, services and projects from a spreadsheet.

Upload, then a preview of every creation, change and problem; nothing is written until
the admin confirms, and then all of it or none of it. The uploaded file waits in storage
under the partnership's folder between the two steps, named in the admin's session.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import directory_import as di
from .access import MANAGERS, partnership_view
from .forms import GDSForm

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


def _read(held):
    with default_storage.open(held["path"], "rb") as handle:
        return di.read_rows(held["name"], handle.read())


@partnership_view(MANAGERS)
def directory_import(request):
    """Admins: upload a file and see the preview (or the file's refusal)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "sheets": di.SHEETS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(di.MAX_BYTES + 1)
        try:
            sheets = di.read_rows(upload.name, content)
        except di.ImportRefused as refusal:
            form.add_error("file", str(refusal))
            return render(request, "partnership/import.html", context)
        plan = di.directory_plan(request.partnership, sheets)
        if plan.ok and not plan.nothing_to_do:
            extension = "xlsx" if content[:4] == b"PK\x03\x04" else "csv"
            path = default_storage.save(
                f"imports/{request.partnership.pk}/{uuid.uuid4().hex}.{extension}",
                ContentFile(content),
            )
            _forget(request)
            request.session[SESSION_KEY] = {
                "partnership": request.partnership.pk,
                "path": path,
                "name": upload.name,
            }
        return render(
            request,
            "partnership/import_preview.html",
            {"plan": plan, "file_name": upload.name, "counts": plan.counts()},
        )
    return render(request, "partnership/import.html", context)


def _forget(request):
    held = request.session.pop(SESSION_KEY, None)
    if held and default_storage.exists(held["path"]):
        default_storage.delete(held["path"])


@partnership_view(MANAGERS)
@require_POST
def directory_import_confirm(request):
    """Admins: write the previewed file, all or nothing, checked again as it is now."""
    held = _stored(request)
    if held is None or not default_storage.exists(held["path"]):
        messages.error(request, "There is no checked file waiting. Upload it again.")
        return redirect(_import_url(request))
    try:
        plan = di.directory_import(partnership=request.partnership, sheets=_read(held))
    except di.ImportHasProblems as failure:
        # The directory changed since the preview; show what stands in the way now.
        return render(
            request,
            "partnership/import_preview.html",
            {"plan": failure.plan, "file_name": held["name"], "counts": failure.plan.counts()},
        )
    _forget(request)
    counts = plan.counts()
    return render(
        request, "partnership/import_done.html", {"counts": counts, "file_name": held["name"]}
    )
