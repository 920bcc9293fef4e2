"""View helpers shared by every app: run a business action, explain a form's errors, send a
stored document. A refused action becomes a message, never a 500."""

import contextvars

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect

from . import audit
from .actions import ActionRefused


def attempt(request, action, success):
    """Run a business action; its refusal becomes an error message. Returns its result or
    None when refused. `success` is a message, or a function of the result giving one."""
    try:
        result = action()
    except ActionRefused as exc:
        # The action's transaction has rolled back: the event is written after it.
        audit.record("action_refused", request=request, reason=str(exc))
        messages.error(request, str(exc))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def errors_text(form):
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label + ' : ' if label else ''}{' '.join(errors)}")
    return " ; ".join(parts)


def run_action(request, obj, catalogue, name, *, redirect_to):
    """The POST of an action form: the declared form, then the action's service."""
    if name not in catalogue:
        raise PermissionDenied
    action = catalogue[name]
    if action.confirm and request.POST.get("confirmed") != "1":
        # An irreversible step is confirmed on its own page (which posts confirmed=1).
        messages.warning(request, f"Confirmez d'abord : {action.label}.")
        return redirect(request.path + "confirmer/")
    form = action.form(obj, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Formulaire incomplet : " + errors_text(form))
        # The page shows the same form again, as typed, with each message by its field.
        request.session[PENDING_KEY] = {
            "path": redirect_to.split("#")[0],
            "object": _key(obj),
            "action": name,
            "data": {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"},
        }
        return redirect(redirect_to)
    done = f"Action effectuée : {action.label}."
    if action.outcome is None:
        attempt(request, lambda: action.run(obj, by=request.user, **form.cleaned_data), done)
        return redirect(redirect_to)
    outcome = {}

    def success(result):
        outcome["message"], outcome["url"] = action.outcome(result)
        return outcome["message"] or done

    attempt(request, lambda: action.run(obj, by=request.user, **form.cleaned_data), success)
    return redirect(outcome.get("url") or redirect_to)


# An action form posted with errors, kept for the page's next GET (PendingActionMiddleware).
PENDING_KEY = "pending_action"
pending_action = contextvars.ContextVar("pending_action", default=None)


def _key(obj):
    return f"{obj._meta.label}:{obj.pk}"


def action_forms(obj, user, catalogue, id_prefix=""):
    """[(action, form)] for the actions this user may perform now; the one just posted with
    errors comes back bound to what was typed."""
    pending = pending_action.get()
    forms = []
    for action in catalogue.available(obj, user):
        data = None
        if pending and pending["object"] == _key(obj) and pending["action"] == action.name:
            data = QueryDict(mutable=True)
            for name, values in pending["data"].items():
                data.setlist(name, values)
        forms.append((action, action.form(obj, data=data, id_prefix=id_prefix)))
    return forms


def file_response(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download(request, content, filename, content_type, **detail):
    """A document download: recorded in the audit log, then sent."""
    audit.record("download", request=request, file=filename, **detail)
    return file_response(content, filename, content_type)


def export(request, content, filename, content_type, **detail):
    """A spreadsheet export: recorded with its filters, then sent."""
    filters = {k: v for k, v in request.GET.items() if v}
    audit.record("export", request=request, file=filename, filters=filters, **detail)
    return file_response(content, filename, content_type)
