"""Who may do what: role and service helpers shared by every app.

Each business model answers `abilities(user)` → {action: bool} built from these helpers; views,
templates and tests all read that one dict, so a page never offers what the server refuses.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Role

# Roles that read every row; a pilot reads only the rows of their own service.
READ_ALL_ROLES = {Role.BUYER, Role.FINANCE, Role.ADMIN}


def is_authenticated(user):
    return user is not None and user.is_authenticated and user.is_active


def reads_everything(user):
    return is_authenticated(user) and (user.role in READ_ALL_ROLES or user.is_superuser)


def service_scope(user, request="request"):
    """The rows this user reads, as a condition on the request they hang from (`request`, a
    path to it): every row for those who read everything, their own service's for a pilot;
    None: no row at all. What `visible_to` applies to orders, contracts and consultations, and
    what the document register applies through its joins."""
    if reads_everything(user):
        return Q()
    if is_authenticated(user) and user.service_id:
        return Q(**{f"{request}__service_id": user.service_id})
    return None


def is_buyer(user):
    return is_authenticated(user) and user.role == Role.BUYER


def is_finance(user):
    return is_authenticated(user) and user.role == Role.FINANCE


def is_admin(user):
    return is_authenticated(user) and (user.role == Role.ADMIN or user.is_superuser)


def is_pilot(user):
    return is_authenticated(user) and user.role == Role.PILOT


def files_requests(user):
    """Pilots file requests for their own service's territory."""
    return is_pilot(user) and user.service_id is not None


def is_pilot_of(user, service_id):
    """A pilot acting for their own service."""
    return (
        is_authenticated(user)
        and user.role == Role.PILOT
        and user.service_id is not None
        and user.service_id == service_id
    )


def is_reference_data_manager(user):
    """Buyers manage agreements and holders; administrators manage all reference data."""
    return is_authenticated(user) and (user.role in (Role.BUYER, Role.ADMIN) or user.is_superuser)


def require(abilities, action):
    if not abilities.get(action):
        raise PermissionDenied
