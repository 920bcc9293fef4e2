from types import SimpleNamespace

from . import roles

# dsfr's own site_config processor runs a query on every page; these values never change.
_SITE = SimpleNamespace(
    site_title="Atelier des territoires",
    site_tagline="Accords-cadres nationaux — DGALN",
    notice_title="",
    notice_description="",
    mourning=False,
)


def site(request):
    return {"SITE_CONFIG": _SITE}


def navigation(request):
    """What the header menu offers this user, from the role helpers (no raw role strings)."""
    user = getattr(request, "user", None)
    return {"nav": {"experts": roles.reads_everything(user), "audit": roles.is_admin(user)}}
