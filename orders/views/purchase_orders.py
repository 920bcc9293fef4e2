"""Pages of purchase orders: list and export, detail with its actions and team, documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from exports.delivery import deliver
from framework_agreements.models import FrameworkAgreement
from notifications import outbox
from procurement import audit, clock, roles
from procurement.actions import ActionRefused
from procurement.pagination import DeferredJoinPaginator
from procurement.web import action_forms, attempt, download, run_action
from teams.shown import shown_team
from teams.team_views import panel

from .. import services
from ..filters import orders_for
from ..forms import OrderDraftForm
from ..models import Document, Invoice, PurchaseOrder
from ..timeline import timeline
from .invoices import invoices_context
from .requests import PAGE_SIZE, get_request_for_user


def get_order_for_user(user, pk, queryset=None):
    queryset = queryset if queryset is not None else PurchaseOrder.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


@login_required
@require_POST
def order_create(request, pk):
    team_request = get_request_for_user(request.user, pk)
    roles.require(team_request.abilities(request.user), "create_order")
    order = attempt(
        request,
        lambda: services.order_create(team_request=team_request, by=request.user),
        lambda order: f"Projet de bon de commande préparé pour {order.holder}.",
    )
    return redirect(order or team_request)


# What a row of the order list shows (orders/order_list.html): four tables' columns, not the
# seven tables and 116 columns the export's queryset joins.
LIST_ROWS = PurchaseOrder.objects.select_related("holder", "request__department").only(
    "number",
    "state",
    "total_excl_tax",
    "total_incl_tax",
    "session_start",
    "created_at",
    "holder__name",
    "request__title",
    "request__department__name",
)


def _filtered_orders(request):
    """The list's filters and sort, the same for the page and its export."""
    return orders_for(request.user, request.GET)


@login_required
def order_list(request):
    filterset, queryset = _filtered_orders(request)
    key = filterset.count_key()
    page = DeferredJoinPaginator(queryset, PAGE_SIZE, count_key=key, rows=LIST_ROWS).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "orders/order_list.html",
        {
            "form": filterset.form,
            "filterset": filterset,
            "page_obj": page,
            "count_key": key,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def order_list_xlsx(request, kind):
    """The list's rows (same filters, scope and sort) as a finance spreadsheet: the register,
    its invoices and payments, or AE/CP per year. A large one is built by a background task
    and listed on « Mes exports »."""
    return deliver(request, kind)


ORDER_DETAIL_QUERYSET = PurchaseOrder.objects.select_related(
    "agreement",
    "lot",
    "holder__company",
    "request__department",
    "request__service",
    "issuing_service",
    "issued_by",
    "service_done_by",
    "team__holder",
).prefetch_related(
    "lines",
    *shown_team("team__"),
)
ORDER_DOCUMENTS = Prefetch(
    "documents", queryset=Document.objects.without_content().order_by("kind", "pk")
)
ORDER_INVOICES = Prefetch(
    "invoices", queryset=Invoice.objects.select_related("payment").order_by("received_on", "pk")
)


def _read_what_exists(order):
    """What cannot exist yet is not read: the documents and e-mails of an order begin with its
    number (the issue), its invoices with its notification (services.invoices requires it).
    The e-mails are read here, before the action buttons, whose notify condition reads them."""
    prefetch_related_objects(
        [order],
        *([ORDER_DOCUMENTS] if order.number else []),
        *([ORDER_INVOICES] if order.notified_at else []),
    )
    outbox.page_messages(order, none_yet=not order.number)


def order_for_page(user, pk):
    """The order with what its page shows. Whether the user's service is named in the
    agreement (R2162-6, which the page's abilities ask) rides on the order's own row."""
    queryset = ORDER_DETAIL_QUERYSET.annotate(
        service_named=FrameworkAgreement.names_service(user.service_id)
    )
    order = get_order_for_user(user, pk, queryset)
    order.agreement.note_authorised(user.service_id, order.service_named)
    return order


@login_required
def order_detail(request, pk):
    return _detail_page(request, order_for_page(request.user, pk))


def _detail_page(request, order, edit_form=None):
    """The order page; `edit_form` is the draft form posted with errors, shown as typed."""
    _read_what_exists(order)
    abilities = order.abilities(request.user)
    today = clock.today()
    team_context = {}
    if order.team is not None:
        team_context = panel(
            order.team,
            request.user,
            next_url=order.get_absolute_url(),
            session_start=order.session_start,
            session_end=order.session_end,
        )
    if edit_form is None and abilities["edit"]:
        edit_form = OrderDraftForm(instance=order, price_lines=order.price_schedule())
    return render(
        request,
        "orders/order_detail.html",
        {
            **team_context,
            "documents": list(order.documents.all()) if abilities["download_pdf"] else [],
            "object": order,
            "abilities": abilities,
            "action_forms": action_forms(order, request.user, services.ORDER_ACTIONS),
            "timeline": timeline(order),
            "today": today,
            **invoices_context(order, request.user, today),
            "edit_form": edit_form if abilities["edit"] else None,
        },
    )


@login_required
@require_POST
def order_edit(request, pk):
    """Save the draft; on any error the page comes back with every value as typed and each
    message next to its field (never a redirect that loses the input)."""
    order = order_for_page(request.user, pk)
    roles.require(order.abilities(request.user), "edit")
    form = OrderDraftForm(request.POST, instance=order, price_lines=order.price_schedule())
    if form.is_valid():
        try:
            services.order_update_draft(
                order=order,
                by=request.user,
                quantities=form.quantities(),
                fields=form.field_values(),
            )
        except ActionRefused as exc:
            audit.record("action_refused", request=request, reason=str(exc))
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Le projet de bon de commande a été enregistré.")
            return redirect(order)
    # The form changed the instance while validating: show the page from the stored row.
    fresh = order_for_page(request.user, pk)
    return _detail_page(request, fresh, edit_form=form)


@login_required
@require_POST
def order_transition(request, pk, action):
    order = get_order_for_user(request.user, pk)
    return run_action(
        request, order, services.ORDER_ACTIONS, action, redirect_to=order.get_absolute_url()
    )


@login_required
def order_pdf(request, pk):
    """The purchase order as issued (its stored bytes)."""
    order = get_order_for_user(request.user, pk)
    roles.require(order.abilities(request.user), "download_pdf")
    document = services.documents.latest(order.documents, "purchase_order")
    if document is None:
        raise Http404
    return _document_response(request, document)


@login_required
def document_download(request, pk):
    """Any stored document, if the user may read its owner (404 otherwise) and download it."""
    document = get_object_or_404(
        Document.objects.select_related(
            "purchase_order__request", "consultation__request", "contract__request"
        ),
        pk=pk,
    )
    owner = document.owner
    if not type(owner).objects.visible_to(request.user).filter(pk=owner.pk).exists():
        raise Http404
    roles.require({"download": document.may_download(request.user)}, "download")
    return _document_response(request, document)


def _document_response(request, document):
    return download(
        request,
        bytes(document.content),
        document.filename,
        "application/pdf",
        document=document.pk,
        reference=document.reference,
        sha256=document.sha256,
    )


@login_required
def order_deliverable(request, pk):
    order = get_order_for_user(request.user, pk)
    if not order.deliverable:
        raise Http404
    audit.record("download", request=request, file="livrable", order=order.number)
    return FileResponse(
        order.deliverable.open("rb"),
        as_attachment=True,
        filename=f"synthese-{order.number}.pdf",
        content_type="application/pdf",
    )
