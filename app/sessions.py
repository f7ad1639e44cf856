"""Sessions that end when they should (issue 10): every account carries a ``session_version``;
a session remembers the version it was opened under, and is signed in only while the two agree.
Logout, a password change or reset, a lock and a change of roles move the version on, so every
copy of an older session cookie (and every older API token) stops working at once, server-side.
"""
from flask import session
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from models.user import ShebaoUser

SESSION_KEY = "_session_version"
TOKEN_CLAIM = "sv"


def remember(user) -> None:
    """This session was opened (or renewed) under the user's present version."""
    session[SESSION_KEY] = user.session_version or 0


def is_current(user) -> bool:
    return session.get(SESSION_KEY) == (user.session_version or 0)


def token_claims(identity) -> dict:
    """The version an API token is issued under (its ``sub`` is the user id)."""
    version = db.session.scalar(
        select(ShebaoUser.session_version).where(ShebaoUser.id == int(identity)))
    return {TOKEN_CLAIM: version or 0}


def token_is_current(user, claims: dict) -> bool:
    return claims.get(TOKEN_CLAIM) == (user.session_version or 0)


def end_all(user) -> int:
    """Sign out every session and token of the user: one atomic increment in the caller's
    transaction. A loaded account learns the new version without being marked changed (FAB's
    own relationships, a group's users, load FAB's User, which has no version to learn)."""
    version = db.session.execute(
        update(ShebaoUser).where(ShebaoUser.id == user.id)
        .values(session_version=ShebaoUser.session_version + 1)
        .returning(ShebaoUser.session_version)
        .execution_options(synchronize_session=False)).scalar_one()
    if isinstance(user, ShebaoUser):
        set_committed_value(user, "session_version", version)
    return version
