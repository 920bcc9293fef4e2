"""Pages of team requests: list, form, detail with its actions, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from procurement import audit, roles
from procurement.actions import save
from procurement.pagination import DeferredJoinPaginator
from procurement.web import action_forms, errors_text, run_action

from .. import services
from ..enums import OrderState
from ..filters import RequestFilter, ordered
from ..forms import AttachmentForm, CollectivityFormSet, TeamRequestForm
from ..models import PurchaseOrder, RequestAttachment, TeamRequest
from ..models.consultations import ENDED_CONSULTATION_STATES
from ..timeline import timeline

PAGE_SIZE = 25


def get_request_for_user(user, pk, queryset=None):
    """The request if this user may read it; 404 otherwise, so nothing leaks."""
    queryset = queryset if queryset is not None else TeamRequest.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


# What a row of the request list shows (orders/request_list.html).
LIST_ROWS = (
    TeamRequest.objects.select_related("department", "service")
    .prefetch_related("collectivities")
    .only(
        "title",
        "format",
        "state",
        "created_at",
        "submitted_at",
        "department__name",
        "department__code",
        "service__short_name",
    )
)


@login_required
def request_list(request):
    filterset = RequestFilter(
        request.GET or None,
        request=request,
        # The keys and the count only: the rows are read from LIST_ROWS.
        queryset=TeamRequest.objects.visible_to(request.user),
    )
    queryset = ordered(filterset, TeamRequest._meta.ordering)
    key = filterset.count_key()
    page = DeferredJoinPaginator(queryset, PAGE_SIZE, count_key=key, rows=LIST_ROWS).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "orders/request_list.html",
        {
            "form": filterset.form,
            "filterset": filterset,
            "page_obj": page,
            "count_key": key,
            "can_create": roles.files_requests(request.user),
        },
    )


def _save_request_form(request, instance):
    form = TeamRequestForm(request.POST or None, instance=instance, service=request.user.service)
    formset = CollectivityFormSet(request.POST or None, instance=instance, prefix="coll")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            team_request = form.save(commit=False)
            if instance.pk is None:
                team_request.service = request.user.service
                team_request.created_by = request.user
            team_request._history_user = request.user
            team_request.save()
            form.save_m2m()
            formset.instance = team_request
            formset.save()
        return team_request, form, formset
    return None, form, formset


@login_required
def request_create(request):
    if not roles.files_requests(request.user):
        raise PermissionDenied
    saved, form, formset = _save_request_form(request, TeamRequest())
    if saved:
        messages.success(request, "La demande a été enregistrée en brouillon.")
        return redirect("orders:request_detail", saved.pk)
    return render(
        request,
        "orders/request_form.html",
        {"form": form, "formset": formset, "title": "Nouvelle demande d'atelier"},
    )


@login_required
def request_edit(request, pk):
    team_request = get_request_for_user(request.user, pk)
    roles.require(team_request.abilities(request.user), "edit")
    saved, form, formset = _save_request_form(request, team_request)
    if saved:
        messages.success(request, "La demande a été mise à jour.")
        return redirect("orders:request_detail", saved.pk)
    return render(
        request,
        "orders/request_form.html",
        {"form": form, "formset": formset, "title": "Modifier la demande", "object": team_request},
    )


@login_required
def request_detail(request, pk):
    team_request = get_request_for_user(
        request.user,
        pk,
        TeamRequest.objects.select_related("department", "service", "created_by").prefetch_related(
            "collectivities",
            "required_professions",
            "attachments",
            Prefetch(
                "purchase_orders",
                queryset=PurchaseOrder.objects.select_related("holder").order_by("pk"),
            ),
            "declines__holder",
            "consultations__agreement",
        ),
    )
    abilities = team_request.abilities(request.user)
    open_order = next(
        (
            o
            for o in team_request.purchase_orders.all()
            if o.state not in (OrderState.CANCELLED, OrderState.DECLINED)
        ),
        None,
    )
    no_holder_left = False
    if abilities["create_order"] and open_order is None:
        no_holder_left = services.request_has_no_holder_left(team_request)
    return render(
        request,
        "orders/request_detail.html",
        {
            "object": team_request,
            "abilities": abilities,
            "action_forms": action_forms(team_request, request.user, services.REQUEST_ACTIONS),
            "attachment_form": AttachmentForm(),
            "timeline": timeline(team_request),
            "no_holder_left": no_holder_left,
            # One live order per request: while one is open, the page leads to it instead.
            "open_order": open_order,
            "can_create_order": abilities["create_order"]
            and open_order is None
            and not no_holder_left,
            "can_prepare_consultation": abilities["prepare_consultation"]
            and not any(
                c.state not in ENDED_CONSULTATION_STATES for c in team_request.consultations.all()
            ),
        },
    )


@login_required
@require_POST
def request_transition(request, pk, action):
    team_request = get_request_for_user(request.user, pk)
    return run_action(
        request,
        team_request,
        services.REQUEST_ACTIONS,
        action,
        redirect_to=team_request.get_absolute_url(),
    )


@login_required
@require_POST
def attachment_upload(request, pk):
    team_request = get_request_for_user(request.user, pk)
    roles.require(team_request.abilities(request.user), "edit")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Pièce jointe refusée : " + errors_text(form))
        return redirect(team_request)
    upload = form.cleaned_data["file"]
    RequestAttachment.objects.create(
        request=team_request,
        file=upload,
        original_name=upload.name[:200],
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=request.user,
    )
    messages.success(request, "La pièce jointe a été ajoutée.")
    return redirect(team_request)


@login_required
def attachment_download(request, pk, attachment_pk):
    team_request = get_request_for_user(request.user, pk)
    attachment = get_object_or_404(team_request.attachments, pk=attachment_pk)
    audit.record("download", request=request, file=attachment.original_name, request_id=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    """Remove a support letter while the request can still be edited (draft or returned); the
    request's history names the file and who removed it."""
    team_request = get_request_for_user(request.user, pk)
    roles.require(team_request.abilities(request.user), "edit")
    attachment = get_object_or_404(team_request.attachments, pk=attachment_pk)
    name, stored = attachment.original_name, attachment.file.name
    with transaction.atomic():
        attachment.delete()
        save(team_request, request.user, f"Pièce jointe retirée : {name}")
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: default_storage.delete(stored))
    messages.success(request, f"La pièce jointe « {name} » a été retirée.")
    return redirect(team_request)
