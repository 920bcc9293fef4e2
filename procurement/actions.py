"""The action machinery every kind of order shares.

A business action lives in two places: the django-fsm transition on the model (fields only,
with its `permission`) and one service function, registered in its kind's `Catalogue` by the
`@catalogue.action(...)` decorator. The declaration carries what the page needs: the label,
the form fields the action asks for, whether a reason is required. The transition form and the
`_actions.html` template are built from it, so nothing branches on an action's name.

Inside the service, `catalogue.perform(...)` is the common frame: lock the row, check that the
state is still the one the user saw (a stale or repeated POST changes nothing), check the role
through the model's transition permission, run the body, then save with a history row that
names the user and the action.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django import forms
from django_fsm import can_proceed, has_transition_perm
from dsfr.forms import DsfrBaseForm

from .fields import TEXT_MAX


class ActionRefused(Exception):
    """A business rule refused the action; the message is shown to the user as is."""


class TransitionForm(forms.Form):
    """What every transition POST carries; each action's form adds its declared fields."""

    expected_state = forms.CharField(widget=forms.HiddenInput, max_length=30)
    comment = forms.CharField(
        label="Commentaire (facultatif)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@dataclass(frozen=True, eq=False)
class Action:
    name: str
    label: str
    service: Callable
    object_kwarg: str
    fields: dict = field(default_factory=dict)
    # obj -> {field: value} shown in the form (e.g. today's date, the order's amount).
    initial: Callable | None = None
    reason_required: bool = False
    secondary: bool = False
    # result -> (message, url or None): what the user is told after success, and where they go
    # next (None: back to the page). Default: "Action effectuée : <label>."
    outcome: Callable | None = None
    # Irreversible (a number taken, an e-mail sent): the page links to a confirmation page
    # that says what will happen, and the POST must carry confirmed=1.
    confirm: bool = False

    def form_class(self):
        attrs = dict(self.fields)
        if self.reason_required:
            attrs["comment"] = forms.CharField(
                label="Motif (obligatoire)",
                required=False,  # the service refuses an empty reason, with its own message
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2, "required": True}),
            )
        attrs["field_order"] = [*self.fields, "comment"]
        return type(f"{self.name.title()}Form", (DsfrBaseForm, TransitionForm), attrs)

    def form(self, obj=None, data=None, files=None, id_prefix=""):
        """`id_prefix` keeps ids unique when a page shows the same action for several
        objects (the phases of a contract)."""
        initial = {"expected_state": getattr(obj, "state", "")}
        if obj is not None and self.initial:
            initial.update(self.initial(obj))
        return self.form_class()(data, files, initial=initial, auto_id=f"{id_prefix}{self.name}-%s")

    def run(self, obj, *, by, **data):
        """Call the service with the object under its keyword (order=…, team_request=…)."""
        return self.service(**{self.object_kwarg: obj}, by=by, **data)

    def clean_reason(self, comment):
        comment = (comment or "").strip()
        if self.reason_required and not comment:
            raise ActionRefused(f"Un motif est obligatoire pour l'action « {self.label} ».")
        return comment


@dataclass
class Step:
    """What `perform` hands the service body: the locked row and the cleaned comment."""

    obj: object
    comment: str
    history_text: str = ""
    source: str = ""  # the state before the action
    # Rows the body locked ahead for the after-hooks, by name (an issue locks its request
    # before the numbering lock, so the hook that moves the request reads nothing under it).
    locked: dict = field(default_factory=dict)


class Catalogue:
    """The actions of one kind of object, in the order the page shows them."""

    def __init__(self, object_kwarg):
        self.object_kwarg = object_kwarg
        self._actions = {}
        self._after = {}

    def action(self, name, label, **options):
        def register(service):
            self._actions[name] = Action(
                name=name, label=label, service=service, object_kwarg=self.object_kwarg, **options
            )
            return service

        return register

    def after(self, name, hook):
        """Call hook(obj, by, step) after the action succeeds, in its transaction (notices)."""
        self._after.setdefault(name, []).append(hook)

    def __getitem__(self, name):
        return self._actions[name]

    def __contains__(self, name):
        return name in self._actions

    def __iter__(self):
        return iter(self._actions.values())

    def names(self):
        return list(self._actions)

    def available(self, obj, user):
        """The actions this user may perform on this object now: what the page offers."""
        names = {t.name for t in obj.get_available_user_state_transitions(user)}
        return [action for action in self if action.name in names]

    @contextmanager
    def perform(self, name, obj, *, by, expected_state=None, comment=""):
        action = self[name]
        locked = lock(obj, expected_state)
        check(locked, getattr(locked, name), by, action)
        step = Step(obj=locked, comment=action.clean_reason(comment), source=locked.state)
        yield step
        save(locked, by, step.history_text or action.label, step.comment)
        for hook in self._after.get(name, ()):
            hook(locked, by, step)


def lock(obj, expected_state=None):
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if expected_state is not None and locked.state != expected_state:
        raise ActionRefused(
            "Action non appliquée : l'état a changé entre-temps (il est désormais « "
            f"{locked.get_state_display()} »). La page a été actualisée."
        )
    return locked


def check(obj, method, user, action):
    if not has_transition_perm(method, user):
        if can_proceed(method, check_conditions=False):
            raise ActionRefused("Vous n'êtes pas autorisé à effectuer cette action.")
        raise ActionRefused(
            f"Action « {action.label} » impossible dans l'état « {obj.get_state_display()} »."
        )


def save(obj, user, text, comment=""):
    """Save with a django-simple-history row naming the user and what was done."""
    obj._history_user = user
    obj._change_reason = text + (f" — {comment}" if comment else "")
    obj.save()
    return obj
