"""Pages of Local re-competitions: prepare from the request, launch, record the answers, open
the bids, enter the offers, score them, award. Offers are business secrets: what a user sees
comes from the consultation's abilities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from framework_agreements.models import Holder
from procurement import audit, clock, roles
from procurement.markers import history_model, latest_change
from procurement.pagination import DeferredJoinPaginator, count_key
from procurement.web import action_forms, attempt, errors_text, run_action

from .. import services
from ..forms.consultations import (
    ConsultationForm,
    ExplanationForm,
    OfferContentForm,
    RejectForm,
    ScoreForm,
    SubmissionForm,
)
from ..models import (
    Consultation,
    ConsultationState,
    Document,
    Invitation,
    Offer,
    SubsequentContract,
)
from ..timeline import timeline
from .requests import PAGE_SIZE, get_request_for_user


def get_consultation_for_user(user, pk, queryset=None):
    queryset = queryset if queryset is not None else Consultation.objects.all()
    consultation = get_object_or_404(queryset.visible_to(user), pk=pk)
    roles.require(consultation.abilities(user), "view")
    return consultation


@login_required
def consultation_list(request):
    consultations = (
        Consultation.objects.visible_to(request.user)
        .select_related("request__department", "agreement", "contract")
        # What a row shows (orders/templatetags/list_rows.py: consultation_rows).
        .only(
            "subject",
            "deadline",
            "state",
            "request__department__name",
            "agreement__number_prefix",
            "contract__number",
        )
        .order_by("-created_at", "-pk")
    )
    # A row changes with its consultation or, once awarded, its contract: each change writes
    # a history row.
    marker = latest_change(
        (history_model(Consultation), "history_id", "history_date"),
        (history_model(SubsequentContract), "history_id", "history_date"),
    )
    key = count_key("consultations", request.user, request.GET, marker)
    page = DeferredJoinPaginator(consultations, PAGE_SIZE, count_key=key).get_page(
        request.GET.get("page")
    )
    return render(request, "orders/consultation_list.html", {"page_obj": page})


@login_required
@require_POST
def consultation_prepare(request, pk):
    team_request = get_request_for_user(request.user, pk)
    roles.require(team_request.abilities(request.user), "prepare_consultation")
    consultation = attempt(
        request,
        lambda: services.consultation_prepare(team_request=team_request, by=request.user),
        "Remise en concurrence préparée : fixez la date limite puis lancez-la.",
    )
    return redirect(consultation or team_request)


DETAIL_QUERYSET = Consultation.objects.select_related(
    "request__department",
    "request__service",
    "agreement",
    "lot",
    "opened_by",
    "created_by",
    "contract__holder",
).prefetch_related(
    "request__collectivities",
    Prefetch(
        "invitations",
        queryset=Invitation.objects.select_related("holder", "letter")
        .defer("letter__content")
        .order_by("holder__name"),
    ),
    Prefetch(
        "offers",
        queryset=Offer.objects.select_related("holder").prefetch_related(
            "prices", "scores", "team__expert"
        ),
    ),
    Prefetch(
        "documents",
        queryset=Document.objects.without_content().select_related("holder").order_by("kind", "pk"),
    ),
)


@login_required
def consultation_detail(request, pk):
    consultation = get_consultation_for_user(request.user, pk, DETAIL_QUERYSET)
    abilities = consultation.abilities(request.user)
    offers = list(consultation.offers.all())
    answered = {o.holder_id: o for o in offers}
    context = {
        "object": consultation,
        "abilities": abilities,
        "offers": offers,
        "action_forms": action_forms(consultation, request.user, services.CONSULTATION_ACTIONS),
        "timeline": timeline(consultation),
        "now": clock.now(),
        "documents": [d for d in consultation.documents.all() if d.may_download(request.user)],
        "contract": getattr(consultation, "contract", None),
        "invitation_rows": [(i, answered.get(i.holder_id)) for i in consultation.invitations.all()],
    }
    state = consultation.state
    if abilities["edit"]:
        context["edit_form"] = ConsultationForm(instance=consultation)
    if abilities["record"] and state == ConsultationState.LAUNCHED:
        invited = [i.holder_id for i in consultation.invitations.all()]
        context["submission_form"] = SubmissionForm(
            holders=Holder.objects.filter(pk__in=set(invited) - set(answered)),
            initial={"received_at": clock.now()},
        )
    if abilities["view_offers"] and state == ConsultationState.OPENED:
        context["content_forms"] = [
            (
                o,
                OfferContentForm(
                    offer=o,
                    experts=services.consultations.holder_experts(o.holder),
                    auto_id=f"offer{o.pk}-%s",
                ),
            )
            for o in offers
            if o.submitted
        ]
    # The ranking: the buyer's while scoring; after the award, as the report states it, for
    # whoever may read the report (the pilot, finance).
    if (abilities["view_offers"] and state == ConsultationState.EVALUATING) or (
        abilities["view_report"] and state == ConsultationState.AWARDED
    ):
        current = services.analysis(consultation, offers)  # the offers read above
        context["analysis"] = current
        if state == ConsultationState.EVALUATING and abilities["evaluate"]:
            context["score_forms"] = [
                (
                    o,
                    ScoreForm(
                        criteria=consultation.technical_criteria,
                        scores=o.scores.all(),
                        auto_id=f"score{o.pk}-%s",
                    ),
                    RejectForm(auto_id=f"reject{o.pk}-%s"),
                    ExplanationForm(
                        auto_id=f"explain{o.pk}-%s", initial={"received_on": clock.today()}
                    ),
                )
                for o in current.offers
            ]
    return render(request, "orders/consultation_detail.html", context)


@login_required
@require_POST
def consultation_edit(request, pk):
    consultation = get_consultation_for_user(request.user, pk)
    roles.require(consultation.abilities(request.user), "edit")
    form = ConsultationForm(request.POST, instance=Consultation.objects.get(pk=pk))
    if not form.is_valid():
        messages.error(request, "Consultation non enregistrée : " + errors_text(form))
    else:
        attempt(
            request,
            lambda: services.consultation_update(
                consultation=consultation, by=request.user, **form.cleaned_data
            ),
            "La consultation a été enregistrée.",
        )
    return redirect(consultation)


@login_required
@require_POST
def consultation_transition(request, pk, action):
    consultation = get_consultation_for_user(request.user, pk)
    return run_action(
        request,
        consultation,
        services.CONSULTATION_ACTIONS,
        action,
        redirect_to=consultation.get_absolute_url(),
    )


@login_required
@require_POST
def offer_record(request, pk):
    consultation = get_consultation_for_user(request.user, pk)
    roles.require(consultation.abilities(request.user), "record")
    invited = consultation.invitations.values("holder_id")
    form = SubmissionForm(request.POST, holders=Holder.objects.filter(pk__in=invited))
    if not form.is_valid():
        messages.error(request, "Réponse non enregistrée : " + errors_text(form))
        return redirect(consultation)
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.offer_record(
            consultation=consultation,
            by=request.user,
            holder=data["holder"],
            received_at=data["received_at"],
            declined=data["declined"],
            reason=data["reason"],
        ),
        f"Réponse de {data['holder']} enregistrée.",
    )
    return redirect(consultation)


def _offer_for(request, pk, offer_pk, ability="record"):
    consultation = get_consultation_for_user(request.user, pk)
    roles.require(consultation.abilities(request.user), ability)
    return consultation, get_object_or_404(
        consultation.offers.select_related("holder"), pk=offer_pk
    )


@login_required
@require_POST
def offer_content(request, pk, offer_pk):
    consultation, offer = _offer_for(request, pk, offer_pk)
    form = OfferContentForm(
        request.POST,
        request.FILES,
        offer=offer,
        experts=services.consultations.holder_experts(offer.holder),
    )
    if not form.is_valid():
        messages.error(request, f"Offre de {offer.holder} non enregistrée : " + errors_text(form))
        return redirect(consultation)
    attempt(
        request,
        lambda: services.offer_content(
            offer=offer,
            by=request.user,
            prices=form.prices(),
            team=form.team(),
            memo=form.cleaned_data.get("memo"),
        ),
        f"Offre de {offer.holder} enregistrée.",
    )
    return redirect(consultation)


# How each step of the analysis reads its form and calls its service.
EVALUATION_STEPS = {
    "score": (
        lambda offer, post: ScoreForm(post, criteria=offer.consultation.technical_criteria),
        lambda offer, by, form: services.offer_score(offer=offer, by=by, marks=form.marks()),
        "Notes enregistrées.",
    ),
    "reject": (
        lambda offer, post: RejectForm(post),
        lambda offer, by, form: services.offer_reject(offer=offer, by=by, **form.cleaned_data),
        "Offre rejetée.",
    ),
    "explanation": (
        lambda offer, post: ExplanationForm(post),
        lambda offer, by, form: services.offer_explanation(offer=offer, by=by, **form.cleaned_data),
        "Explications enregistrées.",
    ),
    "flag": (
        lambda offer, post: None,
        lambda offer, by, form: services.offer_flag(offer=offer, by=by),
        "Offre signalée anormalement basse.",
    ),
}


@login_required
@require_POST
def offer_evaluate(request, pk, offer_pk, step):
    consultation, offer = _offer_for(request, pk, offer_pk, "evaluate")
    if step not in EVALUATION_STEPS:
        raise Http404
    build_form, call, done = EVALUATION_STEPS[step]
    form = build_form(offer, request.POST)
    if form is not None and not form.is_valid():
        messages.error(request, "Non enregistré : " + errors_text(form))
    else:
        attempt(request, lambda: call(offer, request.user, form), f"{offer.holder} : {done}")
    return redirect(consultation)


@login_required
def offer_memo(request, pk, offer_pk):
    consultation, offer = _offer_for(request, pk, offer_pk, "view_offers")
    if not offer.memo:
        raise Http404
    audit.record("download", request=request, file="mémoire technique", offer=offer.pk)
    return FileResponse(
        offer.memo.open("rb"),
        as_attachment=True,
        filename=f"memoire-{consultation.reference}-{offer.holder.pk}.pdf",
        content_type="application/pdf",
    )
