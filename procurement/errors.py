from django.shortcuts import render

from . import audit


def permission_denied(request, exception=None):
    audit.record("access_denied", request=request, method=request.method)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors beyond the template's own: the error may come from anywhere.
    return render(request, "500.html", status=500)
