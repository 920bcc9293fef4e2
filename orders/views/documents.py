"""The register of every official document the application produced, for auditors and the
people who sent them: filterable, each download permission-checked and logged, and a
« Vérifier » action that recomputes the SHA-256 of the stored bytes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from procurement import audit, clock, roles
from procurement.markers import history_model, latest_change
from procurement.pagination import DeferredJoinPaginator, count_key
from procurement.web import download

from .. import decp
from ..filters import DocumentFilter
from ..models import Consultation, Document
from ..models.documents import reads_every_document
from .requests import PAGE_SIZE

# What a row of the register shows (orders/document_register.html): the owner's link and
# label, not every column of the seven tables joined. The register's own queryset gives only
# the page's keys and the count: it needs no join.
REGISTER_ROWS = Document.objects.select_related(
    "agreement", "holder", "created_by", "purchase_order", "contract", "consultation"
).only(
    "kind",
    "reference",
    "version",
    "filename",
    "size",
    "sha256",
    "created_at",
    "agreement__reference",
    "holder__name",
    "created_by__first_name",
    "created_by__last_name",
    "purchase_order__number",
    "contract__number",
    "consultation__id",
)


@login_required
def document_register(request):
    filterset = DocumentFilter(
        request.GET or None,
        queryset=Document.objects.registered_for(request.user).order_by("-created_at", "-pk"),
    )
    # Documents are only ever added, and the count is kept under the latest one. A document
    # enters a reader's scope as it is added, save an evaluation report, which a pilot reads
    # once the consultation is awarded: a change of a consultation marks that too.
    user = request.user
    markers = [(Document, "pk", "created_at")]
    if not reads_every_document(user):
        markers.append((history_model(Consultation), "history_id", "history_date"))
    key = count_key("register", user, request.GET, latest_change(*markers))
    page = DeferredJoinPaginator(
        filterset.qs, PAGE_SIZE, count_key=key, rows=REGISTER_ROWS
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/document_register.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "count_key": key,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def document_verify(request, pk):
    """Recompute the SHA-256 of the stored bytes and say whether they match the one recorded
    when the document was produced; the result is kept in the audit log."""
    document = get_object_or_404(Document.objects.registered_for(request.user), pk=pk)
    matches, found = document.verify()
    audit.record(
        "document_verified",
        request=request,
        document=document.pk,
        reference=document.reference,
        sha256=document.sha256,
        matches=matches,
    )
    label = f"{document.get_kind_display()} {document.reference} (version {document.version})"
    if matches:
        messages.success(
            request, f"{label} : intègre. L'empreinte recalculée est identique ({found})."
        )
    else:
        messages.error(
            request,
            f"{label} : ALTÉRÉ. L'empreinte recalculée ({found}) diffère de celle enregistrée "
            f"à la production ({document.sha256}).",
        )
    return redirect(
        reverse("orders:document_register") + "?" + urlencode({"reference": document.reference})
    )


@require_safe  # a download; a POST is refused, never taken for a publication
@login_required
def decp_json(request):
    """The essential data (DECP) for the buyers who publish them; an invalid record is named
    in a message and nothing is sent. The first download records each record's first
    publication date (with a history row)."""
    if not (roles.is_buyer(request.user) or roles.is_admin(request.user)):
        raise PermissionDenied
    try:
        content = decp.export()
    except decp.DecpInvalid as exc:
        messages.error(request, str(exc))
        return redirect("agreements:list")
    filename = f"decp-{clock.today():%Y-%m-%d}.json"
    return download(request, content, filename, "application/json")
