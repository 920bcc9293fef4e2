from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from framework_agreements import ceiling
from framework_agreements.models import FrameworkAgreement
from procurement import roles, xlsx
from teams import availability
from teams import services as team_services
from teams.forms import JustificationForm, MemberForm, SubstitutionForm
from teams.models import TeamMember

from . import exports, services
from .dashboard import dashboard_context
from .enums import OrderState
from .forms import (
    AttachmentForm,
    CollectivityFormSet,
    OrderDraftForm,
    OrderFilterForm,
    RequestFilterForm,
    TeamRequestForm,
    TransitionForm,
)
from .models import (
    LATE_PAYMENT_FLAT_FEE,
    LatePaymentRate,
    OrderDocument,
    PurchaseOrder,
    RequestAttachment,
    TeamRequest,
)
from .timeline import timeline

PAGE_SIZE = 25


def _attempt(request, action, success):
    """Run a business action; its refusal becomes an error message, never a 500."""
    try:
        action()
    except (services.ActionRefused, team_services.TeamRefused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)


def _get_request_for_user(user, pk, queryset=None):
    """The request if this user may read it; 404 otherwise, so nothing leaks."""
    queryset = queryset if queryset is not None else TeamRequest.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


def _get_order_for_user(user, pk, queryset=None):
    queryset = queryset if queryset is not None else PurchaseOrder.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


@login_required
def dashboard(request):
    context = {
        "agreement_rows": ceiling.with_figures(FrameworkAgreement.objects.order_by("-start_date"))
    }
    context.update(dashboard_context(request.user))
    return render(request, "orders/dashboard.html", context)


# ---------------------------------------------------------------------------------------------
# Team requests
# ---------------------------------------------------------------------------------------------


@login_required
def request_list(request):
    form = RequestFilterForm(request.GET or None)
    queryset = (
        TeamRequest.objects.visible_to(request.user)
        .select_related("department", "service")
        .prefetch_related("collectivities")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["format"]:
            queryset = queryset.filter(format=data["format"])
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["year"]:
            queryset = queryset.filter(created_at__year=data["year"])
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/request_list.html",
        {
            "form": form,
            "page_obj": page,
            "can_create": request.user.role == "pilot" and request.user.service_id,
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
    if request.user.role != "pilot" or not request.user.service_id:
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
    team_request = _get_request_for_user(request.user, pk)
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
    team_request = _get_request_for_user(
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
        ),
    )
    abilities = team_request.abilities(request.user)
    no_holder_left = False
    if abilities["create_order"] and not any(
        o.state not in (OrderState.CANCELLED, OrderState.DECLINED)
        for o in team_request.purchase_orders.all()
    ):
        no_holder_left = services.request_has_no_holder_left(team_request)
    return render(
        request,
        "orders/request_detail.html",
        {
            "object": team_request,
            "abilities": abilities,
            "actions": services.available_actions(
                team_request, request.user, services.REQUEST_ACTIONS
            ),
            "attachment_form": AttachmentForm(),
            "timeline": timeline(team_request),
            "no_holder_left": no_holder_left,
        },
    )


@login_required
@require_POST
def request_transition(request, pk, action):
    team_request = _get_request_for_user(request.user, pk)
    if action not in services.REQUEST_ACTIONS:
        raise PermissionDenied
    form = TransitionForm(request.POST, action=action)
    if not form.is_valid():
        messages.error(request, "Formulaire incomplet : " + _errors_text(form))
        return redirect("orders:request_detail", pk)
    _attempt(
        request,
        lambda: services.request_transition(
            team_request=team_request,
            action_name=action,
            by=request.user,
            comment=form.cleaned_data["comment"],
            expected_state=form.cleaned_data["expected_state"],
        ),
        f"Action effectuée : {services.REQUEST_ACTIONS[action].label}.",
    )
    return redirect("orders:request_detail", pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    team_request = _get_request_for_user(request.user, pk)
    roles.require(team_request.abilities(request.user), "edit")
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Pièce jointe refusée : " + _errors_text(form))
        return redirect("orders:request_detail", pk)
    upload = form.cleaned_data["file"]
    RequestAttachment.objects.create(
        request=team_request,
        file=upload,
        original_name=upload.name[:200],
        size=upload.size,
        sha256=form.sha256,
        uploaded_by=request.user,
    )
    messages.success(request, "La pièce jointe a été ajoutée.")
    return redirect("orders:request_detail", pk)


@login_required
def attachment_download(request, pk, attachment_pk):
    team_request = _get_request_for_user(request.user, pk)
    attachment = get_object_or_404(team_request.attachments, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )


# ---------------------------------------------------------------------------------------------
# Purchase orders
# ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def order_create(request, pk):
    team_request = _get_request_for_user(request.user, pk)
    roles.require(team_request.abilities(request.user), "create_order")
    try:
        order = services.order_create(team_request=team_request, by=request.user)
    except services.ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("orders:request_detail", pk)
    messages.success(request, f"Projet de bon de commande préparé pour {order.holder}.")
    return redirect("orders:order_detail", order.pk)


def _filtered_orders(request):
    form = OrderFilterForm(request.GET or None)
    queryset = PurchaseOrder.objects.visible_to(request.user).select_related(
        "holder__company", "request__department", "request__service", "agreement"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["department"]:
            queryset = queryset.filter(request__department=data["department"])
        if data["holder"]:
            queryset = queryset.filter(holder=data["holder"])
        if data["year"]:
            queryset = queryset.filter(created_at__year=data["year"])
        if data["format"]:
            queryset = queryset.filter(request__format=data["format"])
    return form, queryset


@login_required
def order_list(request):
    form, queryset = _filtered_orders(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/order_list.html",
        {"form": form, "page_obj": page, "query": request.GET.urlencode()},
    )


@login_required
def order_list_xlsx(request):
    """The same rows as the list (same filters, same scoping), for finance."""
    _, queryset = _filtered_orders(request)
    today = timezone.localdate()
    content, _ = exports.write_orders(
        queryset.order_by("agreement_id", "year", "sequence", "pk"), today
    )
    response = HttpResponse(content, content_type=xlsx.XLSX_MIME)
    response["Content-Disposition"] = (
        f'attachment; filename="bons-de-commande-{today:%Y-%m-%d}.xlsx"'
    )
    return response


ORDER_DETAIL_QUERYSET = PurchaseOrder.objects.select_related(
    "agreement",
    "lot",
    "holder__company",
    "request__department",
    "request__service",
    "issuing_service",
    "issued_by",
    "service_done_by",
    "team",
).prefetch_related(
    "lines",
    "holder__members",
    "agreement__authorised_services",
    "request__collectivities",
    "team__required_professions",
    Prefetch(
        "team__members",
        queryset=TeamMember.objects.select_related("expert__company").prefetch_related(
            "expert__professions", "planned_days"
        ),
    ),
    Prefetch("documents", queryset=OrderDocument.objects.defer("content").order_by("pk")),
)


@login_required
def order_detail(request, pk):
    order = _get_order_for_user(request.user, pk, ORDER_DETAIL_QUERYSET)
    abilities = order.abilities(request.user)
    actions = services.available_actions(order, request.user, services.ORDER_ACTIONS)
    today = timezone.localdate()
    late_interest = None
    if order.payment_due_date and order.days_late(today):
        rate = LatePaymentRate.rate_on(order.payment_due_date)
        late_interest = {
            "rate": rate,
            "interest": order.late_payment_interest(rate, today),
            "fee": LATE_PAYMENT_FLAT_FEE,
        }
    team = order.team
    team_context = {}
    if team is not None:
        team_abilities = team.abilities(request.user)
        team_context = {
            "team": team,
            "team_abilities": team_abilities,
            "missing": team.missing_professions(),
            "conflicts": availability.team_conflicts(team, order.session_start, order.session_end),
            "member_form": MemberForm(holder=order.holder) if team_abilities["edit"] else None,
            "justification_form": JustificationForm(initial={"text": team.coverage_justification}),
            "substitution_form": (
                SubstitutionForm(team=team) if team_abilities["request_substitution"] else None
            ),
            "substitutions": team.substitutions.select_related(
                "outgoing__expert", "incoming", "requested_by", "decided_by"
            ),
        }
    return render(
        request,
        "orders/order_detail.html",
        {
            **team_context,
            "documents": list(order.documents.all()) if abilities["download_pdf"] else [],
            "object": order,
            "abilities": abilities,
            "actions": actions,
            "timeline": timeline(order),
            "today": today,
            "late": late_interest,
            "edit_form": (
                OrderDraftForm(
                    instance=order,
                    price_lines=order.price_schedule(),
                )
                if abilities["edit"]
                else None
            ),
        },
    )


@login_required
@require_POST
def order_edit(request, pk):
    order = _get_order_for_user(request.user, pk, ORDER_DETAIL_QUERYSET)
    roles.require(order.abilities(request.user), "edit")
    form = OrderDraftForm(request.POST, instance=order, price_lines=order.price_schedule())
    if not form.is_valid():
        messages.error(request, "Projet non enregistré : " + _errors_text(form))
        return redirect("orders:order_detail", pk)
    _attempt(
        request,
        lambda: services.order_update_draft(
            order=order, by=request.user, quantities=form.quantities(), fields=form.field_values()
        ),
        "Le projet de bon de commande a été enregistré.",
    )
    return redirect("orders:order_detail", pk)


@login_required
@require_POST
def order_transition(request, pk, action):
    order = _get_order_for_user(request.user, pk)
    if action not in services.ORDER_ACTIONS:
        raise PermissionDenied
    form = TransitionForm(request.POST, request.FILES, action=action)
    if not form.is_valid():
        messages.error(request, "Formulaire incomplet : " + _errors_text(form))
        return redirect("orders:order_detail", pk)
    data = dict(form.cleaned_data)
    comment = data.pop("comment")
    expected = data.pop("expected_state")
    _attempt(
        request,
        lambda: services.order_transition(
            order=order,
            action_name=action,
            by=request.user,
            comment=comment,
            expected_state=expected,
            **data,
        ),
        f"Action effectuée : {services.ORDER_ACTIONS[action].label}.",
    )
    return redirect("orders:order_detail", pk)


@login_required
def order_pdf(request, pk):
    return order_document(request, pk, "purchase_order")


@login_required
def order_deliverable(request, pk):
    order = _get_order_for_user(request.user, pk)
    if not order.deliverable:
        raise PermissionDenied
    return FileResponse(
        order.deliverable.open("rb"),
        as_attachment=True,
        filename=f"synthese-{order.number}.pdf",
        content_type="application/pdf",
    )


def _errors_text(form):
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts.append(f"{label + ' : ' if label else ''}{' '.join(errors)}")
    return " ; ".join(parts)


# ---------------------------------------------------------------------------------------------
# The order's team (teams app models, reached through the order so visibility is the order's)
# ---------------------------------------------------------------------------------------------


def _team_of(request, pk, ability):
    order = _get_order_for_user(request.user, pk)
    if order.team is None:
        raise PermissionDenied
    roles.require(order.team.abilities(request.user), ability)
    return order


@login_required
@require_POST
def team_member_add(request, pk):
    order = _team_of(request, pk, "edit")
    form = MemberForm(request.POST, holder=order.holder)
    if not form.is_valid():
        messages.error(request, "Membre non ajouté : " + _errors_text(form))
        return redirect("orders:order_detail", pk)
    months = {
        "preparation": order.session_start or timezone.localdate(),
        "on_site": order.session_start or timezone.localdate(),
        "synthesis": order.delivery_deadline or order.session_end or timezone.localdate(),
    }
    _attempt(
        request,
        lambda: team_services.team_add_member(
            team=order.team,
            expert=form.cleaned_data["expert"],
            role=form.cleaned_data["role"],
            days=form.days(),
            months=months,
            by=request.user,
        ),
        f"{form.cleaned_data['expert']} a été ajouté à l'équipe.",
    )
    return redirect("orders:order_detail", pk)


@login_required
@require_POST
def team_member_remove(request, pk, member_pk):
    order = _team_of(request, pk, "edit")
    member = get_object_or_404(order.team.members, pk=member_pk)
    _attempt(
        request,
        lambda: team_services.team_remove_member(member=member, by=request.user),
        f"{member.expert} a été retiré de l'équipe.",
    )
    return redirect("orders:order_detail", pk)


@login_required
@require_POST
def team_justify(request, pk):
    order = _team_of(request, pk, "justify")
    form = JustificationForm(request.POST)
    if form.is_valid():
        team_services.team_justify(team=order.team, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, "La justification a été enregistrée.")
    return redirect("orders:order_detail", pk)


@login_required
@require_POST
def substitution_request(request, pk):
    order = _team_of(request, pk, "request_substitution")
    form = SubstitutionForm(request.POST, team=order.team)
    if not form.is_valid():
        messages.error(request, "Demande non enregistrée : " + _errors_text(form))
        return redirect("orders:order_detail", pk)
    _attempt(
        request,
        lambda: team_services.substitution_request(
            team=order.team,
            outgoing=form.cleaned_data["outgoing"],
            incoming=form.cleaned_data["incoming"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        ),
        "La demande de substitution a été enregistrée.",
    )
    return redirect("orders:order_detail", pk)


@login_required
@require_POST
def substitution_decide(request, pk, substitution_pk, decision):
    order = _get_order_for_user(request.user, pk)
    if order.team is None or decision not in ("accept", "refuse"):
        raise PermissionDenied
    substitution = get_object_or_404(order.team.substitutions, pk=substitution_pk)
    _attempt(
        request,
        lambda: team_services.substitution_decide(
            substitution=substitution,
            accept=decision == "accept",
            by=request.user,
            comment=request.POST.get("comment", ""),
        ),
        "Substitution acceptée." if decision == "accept" else "Substitution refusée.",
    )
    return redirect("orders:order_detail", pk)


@login_required
def order_document(request, pk, kind):
    order = _get_order_for_user(request.user, pk)
    roles.require(order.abilities(request.user), "download_pdf")
    document = get_object_or_404(order.documents, kind=kind)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response
