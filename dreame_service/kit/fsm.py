"""What every state change of both state machines shares: who makes it, the one lock against
a stale page, the permission check, the transition and the save.

Each app keeps its own step table and runner (its history row, its e-mails); this module
holds only what does not know which machine it drives, so `claims` and `repairs` can both
import it without importing each other. A refused move is `Stale` here and nowhere else:
django-fsm's `TransitionNotAllowed` never reaches a screen.
"""

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from inspect import signature
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import Promise
from django_fsm import TransitionNotAllowed

if TYPE_CHECKING:  # the kit must stay importable before the app registry is ready
    from django.contrib.auth.models import User


class Actor(StrEnum):
    """Who runs a step: each screen is one of them, and a step's row names who may."""

    TECHNICIAN = "technician"
    SUPPORT = "support"
    CUSTOMER = "customer"


class Stale(Exception):  # noqa: N818 - a state of the world, not a bug
    """The row is no longer as the caller's page showed it, or the step is no longer possible
    from where it is (a second click, a colleague, a lost race): nothing was saved."""


@dataclass(frozen=True)
class Step:
    """One row of a step table: the step's name (its `@transition` method), its button, who
    may run it, the form fields it asks for, the customer's e-mail it sends ("" for none),
    which field is the public note, what it does beside the move (`work`, run in the
    step's transaction after the history row: `work(row, event, values)`), and its line in
    the customer's timeline where the state it enters has none of its own (a claim's).

    `label` is the button, an imperative ("Send the repair price"); `done` is what staff
    read once it ran, in the past tense ("Repair price sent"): the history and the message
    after the step. Every row must say it (keyword-only, no default)."""

    name: str
    label: Promise
    actors: frozenset[Actor]
    fields: tuple[str, ...] = ("note", "internal_note")
    email: str = ""
    public_note_field: str = "note"
    work: Callable[..., Any] | None = None
    timeline: Promise | None = None
    done: Promise = dataclasses.field(kw_only=True)

    @property
    def emails_customer(self) -> bool:
        return bool(self.email)

    def may(self, actor: Actor) -> bool:
        return actor in self.actors


def table(*steps: Step) -> dict[str, Step]:
    """A step table: the rows by name, in the order a case usually goes."""
    return {step.name: step for step in steps}


def check_transition_permission(bound_transition: Any, user: "User | None") -> None:
    """Refuse a transition the user may not make; `None` is the system itself.

    Checked whatever the current state: django-fsm's `has_transition_perm` also answers
    False when the move is illegal from here, which would turn a second click (or a lost
    race) into PermissionDenied; that case must stay `Stale`.
    """
    if user is None:
        return
    instance = bound_transition.__self__
    transitions = bound_transition._django_fsm.transitions.values()
    if not all(transition.has_perm(instance, user) for transition in transitions):
        raise PermissionDenied


def lock_shown[Row: models.Model](
    queryset: models.QuerySet[Row], *, pk: int, shown: Mapping[str, object] | None = None
) -> Row:
    """Lock row `pk` and return it, if it still holds what the caller's page showed (`shown`,
    e.g. its status); else raise `Stale`. Call it inside a transaction.

    A step is chosen for what a page showed: another user (or a double click) may have
    moved the row since, even away and back, and the step must not be applied to the new
    state just because the transition is legal from there too (cancel is, from most).
    """
    row = queryset.select_for_update(of=("self",)).get(pk=pk)
    for field, value in (shown or {}).items():
        if getattr(row, field) != value:
            raise Stale
    return row


def apply_transition(
    *,
    instance: models.Model,
    transition: str,
    by: "User | None",
    values: Mapping[str, object] | None = None,
    status_field: str = "status",
) -> str:
    """Run one transition on a row the caller has locked, and save it.

    `transition` is a row of a step table, never user input as such; of `values` (the
    step's form fields), the method gets those its signature names: what the row keeps.
    Raises PermissionDenied, or `Stale` when the move is not possible from the row's state;
    returns the state the row left.
    """
    method = getattr(instance, transition)
    check_transition_permission(method, by)
    from_status: str = getattr(instance, status_field)
    accepted = signature(method).parameters
    kept = {field: value for field, value in (values or {}).items() if field in accepted}
    try:
        method(**kept)
    except TransitionNotAllowed as refused:
        raise Stale from refused
    instance.save()
    return from_status
