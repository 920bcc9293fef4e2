"""Every named URL of the application, classified for the sweep (test_url_sweep.py): who may
read it by GET, and who may change business rows by POST."""

from dataclasses import dataclass, field

from orders import services
from procurement import roles


def anyone(w, user):
    return True


def readers(w, user):
    return roles.reads_everything(user)


def managers(w, user):
    return roles.is_reference_data_manager(user)


def enters_indices(user):
    return roles.is_finance(user) or roles.is_admin(user)


@dataclass
class Route:
    kwargs: callable = lambda w: {}
    read: callable = anyone  # who gets a 200 on GET
    post_only: bool = False
    # who may change business rows by POST (None: the URL does not write)
    write: callable = None
    variants: callable = None  # extra kwargs to try, e.g. every action name
    public: bool = False  # readable without logging in (the footer's information pages)
    extra: dict = field(default_factory=dict)


def _req(w):
    return {"pk": w["request"].pk}


def _order(w):
    return {"pk": w["order"].pk}


def _team(w):
    return {"pk": w["order"].team.pk}


ROUTES = {
    "exports:list": Route(),
    "exports:download": Route(
        kwargs=lambda w: {"pk": w["export"].pk},
        read=lambda w, u: u == w["export"].requested_by,  # the requester's file only
    ),
    "dashboard": Route(),
    "login": Route(),
    "logout": Route(post_only=True),
    "password_change": Route(),
    "accessibility": Route(public=True),
    "legal_notice": Route(public=True),
    "personal_data": Route(public=True),
    "password_change_done": Route(),
    "audit_log": Route(read=lambda w, u: roles.is_admin(u)),
    "notifications:resend": Route(
        kwargs=lambda w: {"pk": w["message"].pk},
        post_only=True,
        write=lambda w, u: roles.is_buyer(u) or roles.is_admin(u),
    ),
    "agreements:list": Route(),
    "agreements:ceilings_xlsx": Route(read=readers),
    "agreements:detail": Route(kwargs=lambda w: {"pk": w["order"].agreement_id}),
    "agreements:holder": Route(kwargs=lambda w: {"pk": w["order"].holder_id}),
    "teams:expert_list": Route(read=readers),
    "teams:expert_create": Route(read=managers, write=managers),
    "teams:expert_import": Route(read=managers, write=managers),
    "teams:import_template": Route(read=managers),
    "teams:allocation_xlsx": Route(read=readers),
    "teams:expert_detail": Route(kwargs=lambda w: {"pk": w["expert"].pk}, read=readers),
    "teams:expert_edit": Route(
        kwargs=lambda w: {"pk": w["expert"].pk}, read=managers, write=managers
    ),
    "teams:expert_workload_xlsx": Route(kwargs=lambda w: {"pk": w["expert"].pk}, read=readers),
    "teams:team_detail": Route(
        kwargs=_team, read=lambda w, u: w["order"].team.abilities(u)["view"]
    ),
    "teams:member_add": Route(
        kwargs=_team, post_only=True, write=lambda w, u: w["order"].team.abilities(u)["edit"]
    ),
    "teams:member_remove": Route(
        kwargs=lambda w: {**_team(w), "member_pk": w["order"].team.members.first().pk},
        post_only=True,
        write=lambda w, u: w["order"].team.abilities(u)["edit"],
    ),
    "teams:justify": Route(
        kwargs=_team, post_only=True, write=lambda w, u: w["order"].team.abilities(u)["justify"]
    ),
    "teams:substitution_request": Route(
        kwargs=_team,
        post_only=True,
        write=lambda w, u: w["order"].team.abilities(u)["request_substitution"],
    ),
    "teams:substitution_decide": Route(
        kwargs=lambda w: {**_team(w), "substitution_pk": w["substitution"].pk},
        variants=lambda w: [{"decision": "accept"}, {"decision": "refuse"}],
        post_only=True,
        write=lambda w, u: w["substitution"].abilities(u)["accept"],
    ),
    "orders:request_list": Route(),
    "orders:request_create": Route(
        read=lambda w, u: roles.files_requests(u), write=lambda w, u: roles.files_requests(u)
    ),
    "orders:request_detail": Route(
        kwargs=_req, read=lambda w, u: w["request"].abilities(u)["view"]
    ),
    "orders:request_edit": Route(
        kwargs=_req,
        read=lambda w, u: w["request"].abilities(u)["edit"],
        write=lambda w, u: w["request"].abilities(u)["edit"],
    ),
    "orders:request_transition": Route(
        kwargs=_req,
        variants=lambda w: [{"action": a} for a in [*services.REQUEST_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.REQUEST_ACTIONS.available(w["request"], u)),
    ),
    "orders:attachment_upload": Route(
        kwargs=_req, post_only=True, write=lambda w, u: w["request"].abilities(u)["edit"]
    ),
    "orders:attachment_download": Route(
        kwargs=lambda w: {**_req(w), "attachment_pk": w["attachment"].pk},
        read=lambda w, u: w["request"].abilities(u)["view"],
    ),
    "orders:attachment_delete": Route(
        kwargs=lambda w: {**_req(w), "attachment_pk": w["attachment"].pk},
        post_only=True,
        write=lambda w, u: w["request"].abilities(u)["edit"],
    ),
    "orders:order_create": Route(
        kwargs=_req, post_only=True, write=lambda w, u: w["request"].abilities(u)["create_order"]
    ),
    "orders:order_list": Route(),
    "orders:order_list_xlsx": Route(),
    "orders:payments_xlsx": Route(),
    "orders:budget_xlsx": Route(),
    "orders:order_detail": Route(kwargs=_order, read=lambda w, u: w["order"].abilities(u)["view"]),
    "orders:order_edit": Route(
        kwargs=_order, post_only=True, write=lambda w, u: w["order"].abilities(u)["edit"]
    ),
    "orders:order_transition": Route(
        kwargs=_order,
        variants=lambda w: [{"action": a} for a in [*services.ORDER_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.ORDER_ACTIONS.available(w["order"], u)),
    ),
    # The world's order is delivered: nothing to confirm, no preview (test_confirmations.py).
    "orders:order_confirm": Route(
        kwargs=_order,
        variants=lambda w: [{"action": a} for a in ("issue", "notify", "x")],
        read=lambda w, u: False,
    ),
    "orders:order_preview": Route(kwargs=_order, read=lambda w, u: False),
    # The world's contract is in execution: already notified.
    "orders:contract_confirm": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        variants=lambda w: [{"action": "notify"}, {"action": "x"}],
        read=lambda w, u: False,
    ),
    "orders:order_pdf": Route(
        kwargs=_order, read=lambda w, u: w["order"].abilities(u)["download_pdf"]
    ),
    "orders:order_deliverable": Route(
        kwargs=_order, read=lambda w, u: w["order"].abilities(u)["view"]
    ),
    "orders:invoice_record": Route(
        kwargs=_order,
        post_only=True,
        write=lambda w, u: w["order"].abilities(u)["record_invoice"],
    ),
    "orders:invoice_detail": Route(
        kwargs=lambda w: {"pk": w["invoice"].pk},
        read=lambda w, u: w["invoice"].abilities(u)["view"],
    ),
    "orders:invoice_transition": Route(
        kwargs=lambda w: {"pk": w["invoice"].pk},
        variants=lambda w: [{"action": a} for a in [*services.INVOICE_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.INVOICE_ACTIONS.available(w["invoice"], u)),
    ),
    "orders:payment_interest_paid": Route(
        kwargs=lambda w: {"pk": w["invoice"].pk},
        post_only=True,
        write=lambda w, u: w["invoice"].abilities(u)["pay"],
    ),
    "orders:consultation_list": Route(),
    "orders:consultation_prepare": Route(
        kwargs=lambda w: {"pk": w["local_request"].pk},
        post_only=True,
        write=lambda w, u: w["local_request"].abilities(u)["prepare_consultation"],
    ),
    "orders:consultation_detail": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk},
        read=lambda w, u: w["consultation"].abilities(u)["view"],
    ),
    "orders:consultation_edit": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk},
        post_only=True,
        write=lambda w, u: w["consultation"].abilities(u)["edit"],
    ),
    "orders:consultation_transition": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk},
        variants=lambda w: [{"action": a} for a in [*services.CONSULTATION_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.CONSULTATION_ACTIONS.available(w["consultation"], u)),
    ),
    "orders:offer_record": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk},
        post_only=True,
        write=lambda w, u: w["consultation"].abilities(u)["record"],
    ),
    "orders:offer_content": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk, "offer_pk": w["offer"].pk},
        post_only=True,
        write=lambda w, u: w["consultation"].abilities(u)["record"],
    ),
    "orders:offer_evaluate": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk, "offer_pk": w["offer"].pk},
        variants=lambda w: [{"step": s} for s in ("score", "reject", "explanation", "flag", "x")],
        post_only=True,
        write=lambda w, u: w["consultation"].abilities(u)["evaluate"],
    ),
    "orders:offer_memo": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk, "offer_pk": w["offer"].pk},
        read=lambda w, u: w["consultation"].abilities(u)["view_offers"],
    ),
    "orders:contract_detail": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        read=lambda w, u: w["contract"].abilities(u)["view"],
    ),
    "orders:contract_edit": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["edit"],
    ),
    "orders:contract_transition": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        variants=lambda w: [{"action": a} for a in [*services.CONTRACT_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.CONTRACT_ACTIONS.available(w["contract"], u)),
    ),
    "orders:phase_transition": Route(
        kwargs=lambda w: {"pk": w["contract"].pk, "phase_pk": w["phase"].pk},
        variants=lambda w: [{"action": a} for a in [*services.PHASE_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.PHASE_ACTIONS.available(w["phase"], u)),
    ),
    "orders:deliverable_upload": Route(
        kwargs=lambda w: {"pk": w["contract"].pk, "phase_pk": w["phase"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["follow"],
    ),
    "orders:deliverable_download": Route(
        kwargs=lambda w: {"pk": w["contract"].pk, "deliverable_pk": w["deliverable"].pk},
        read=lambda w, u: w["contract"].abilities(u)["view"],
    ),
    "orders:advance_record": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["record_invoice"],
    ),
    "orders:instalment_record": Route(
        kwargs=lambda w: {"pk": w["contract"].pk, "phase_pk": w["accepted_phase"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["record_invoice"],
    ),
    "orders:guarantee_record": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["record_guarantee"],
    ),
    "agreements:indices": Route(read=readers, write=lambda w, u: enters_indices(u)),
    "agreements:index_import": Route(post_only=True, write=lambda w, u: enters_indices(u)),
    "orders:document_download": Route(
        kwargs=lambda w: {"pk": w["order"].documents.first().pk},
        read=lambda w, u: w["order"].abilities(u)["download_pdf"],
    ),
    "orders:document_register": Route(),
    "orders:decp_json": Route(read=lambda w, u: roles.is_buyer(u) or roles.is_admin(u)),
    "orders:document_verify": Route(
        kwargs=lambda w: {"pk": w["order"].documents.first().pk}, post_only=True
    ),
}
