"""The part of every state change both state machines share: the lock against a stale page,
the permission check, the transition and the save.

Each app keeps its own move path (its lock, its history row, its e-mails); this module
holds only what does not know which machine it drives, so `claims` and `repairs` can both
import it without importing each other.
"""

from django.core.exceptions import PermissionDenied


def check_transition_permission(bound_transition, user) -> None:
    """Refuse a transition the user may not make; `None` is the system itself.

    Checked whatever the current state: django-fsm's `has_transition_perm` also answers
    False when the move is illegal from here, which would turn a second click (or a lost
    race) into PermissionDenied; that case must stay TransitionNotAllowed.
    """
    if user is None:
        return
    instance = bound_transition.__self__
    transitions = bound_transition._django_fsm.transitions.values()
    if not all(transition.has_perm(instance, user) for transition in transitions):
        raise PermissionDenied


def apply_transition(*, instance, transition: str, by, status_field: str = "status", **kwargs):
    """Run one transition on a row the caller has locked, and save it.

    `transition` comes from a service's own code, never from user input (the workbench maps
    posted names through its transition table first). Raises PermissionDenied or
    TransitionNotAllowed; returns the state the row left.
    """
    method = getattr(instance, transition)
    check_transition_permission(method, by)
    from_status = getattr(instance, status_field)
    method(**kwargs)
    instance.save()
    return from_status


def lock_in_state(model, *, pk, expected: str, changed: type[Exception], field: str = "status"):
    """Lock row `pk` of `model` and return it, if its `field` still holds `expected` (the
    state the caller's page showed); else raise `changed`. Call it inside a transaction.

    A step is chosen for the state a page showed: another user (or a double click) may have
    moved the row since, even away and back, and the step must not be applied to the new
    state just because the transition is legal from there too (cancel is, from most).
    """
    row = model._default_manager.select_for_update().get(pk=pk)
    if getattr(row, field) != expected:
        raise changed
    return row
