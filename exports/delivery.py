"""A page's export: written into a temporary file and streamed from it, or queued when too
large for a request (exports.jobs), and recorded in the audit log either way."""

import tempfile

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect

from procurement import audit
from procurement.xlsx import XLSX_MIME

from . import jobs, registry


def deliver(request, kind, params=None):
    spec = registry.get(kind)
    params = request.GET.dict() if params is None else params
    count = spec.count(request.user, params)
    if jobs.too_large(count):
        jobs.request_export(
            kind=kind, label=f"{spec.title} ({count} lignes)", params=params, user=request.user
        )
        messages.info(
            request,
            f"L'export « {spec.title} » ({count} lignes) est en préparation : il sera "
            "disponible dans « Mes exports » dès qu'il sera prêt.",
        )
        return redirect("exports:list")
    out = tempfile.TemporaryFile()  # closed, hence removed, by the response once sent
    rows = spec.write(request.user, params, out)
    out.seek(0)
    filename = spec.filename()
    filters = {k: v for k, v in params.items() if v}
    audit.record("export", request=request, file=filename, filters=filters, rows=rows)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_MIME)
