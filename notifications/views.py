from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from procurement.actions import ActionRefused

from . import outbox
from .models import OutgoingMessage


@login_required
@require_POST
def resend(request, pk):
    message = get_object_or_404(OutgoingMessage, pk=pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    try:
        outbox.resend(message=message, by=request.user)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Le courriel est de nouveau en file d'envoi.")
    return redirect(target)
