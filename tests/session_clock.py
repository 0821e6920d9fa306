"""Moving a test client's session back in time: the idle and sign-in clocks of
dreame_service.kit.middleware.StaffSessionMiddleware, as if time had passed."""

import time

from dreame_service.kit.middleware import SEEN_AT_KEY, SIGNED_IN_AT_KEY


def rewind(client, *, seen: int, signed_in: int | None = None) -> None:
    """The session as if its last request was `seen` seconds ago, its sign-in `signed_in`."""
    session = client.session
    now = int(time.time())
    session[SEEN_AT_KEY] = now - seen
    session[SIGNED_IN_AT_KEY] = now - (seen if signed_in is None else signed_in)
    session.save()


def let_time_pass(client, seconds: int) -> None:
    session = client.session
    session[SEEN_AT_KEY] -= seconds
    session[SIGNED_IN_AT_KEY] -= seconds
    session.save()


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session
