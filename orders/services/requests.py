"""Business actions on team requests: one service function per action, each registered with
its declaration (label, form fields) in REQUEST_ACTIONS."""

from django.db import transaction

from procurement.actions import ActionRefused, Catalogue

REQUEST_ACTIONS = Catalogue("team_request")
action = REQUEST_ACTIONS.action


@action("submit", "Déposer la demande")
@transaction.atomic
def request_submit(*, team_request, by, expected_state=None, comment=""):
    with REQUEST_ACTIONS.perform(
        "submit", team_request, by=by, expected_state=expected_state, comment=comment
    ) as step:
        if not step.obj.collectivities.exists():
            raise ActionRefused("Indiquez au moins une collectivité concernée avant de déposer.")
        step.obj.submit()
    return step.obj


@action("accept", "Accepter la demande")
@transaction.atomic
def request_accept(*, team_request, by, expected_state=None, comment=""):
    with REQUEST_ACTIONS.perform(
        "accept", team_request, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.accept(comment=step.comment)
    return step.obj


@action("return_for_changes", "Renvoyer pour compléments", reason_required=True)
@transaction.atomic
def request_return_for_changes(*, team_request, by, expected_state=None, comment=""):
    with REQUEST_ACTIONS.perform(
        "return_for_changes", team_request, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.return_for_changes(comment=step.comment)
    return step.obj


@action("reject", "Refuser la demande", reason_required=True, secondary=True)
@transaction.atomic
def request_reject(*, team_request, by, expected_state=None, comment=""):
    with REQUEST_ACTIONS.perform(
        "reject", team_request, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.reject(comment=step.comment)
    return step.obj


@action("withdraw", "Retirer la demande", secondary=True)
@transaction.atomic
def request_withdraw(*, team_request, by, expected_state=None, comment=""):
    with REQUEST_ACTIONS.perform(
        "withdraw", team_request, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.withdraw(comment=step.comment)
    return step.obj
