from types import SimpleNamespace

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
