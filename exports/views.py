"""« Mes exports »: the large exports this user asked for, and their files (theirs only)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from procurement import audit

from .models import ExportJob, ExportStatus


@login_required
def export_list(request):
    jobs = ExportJob.objects.filter(requested_by=request.user)[:50]
    return render(request, "exports/list.html", {"jobs": jobs})


@login_required
def export_download(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, requested_by=request.user)
    if job.status != ExportStatus.READY:
        raise Http404
    audit.record("export", request=request, file=job.filename, filters=job.params, rows=job.rows)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
