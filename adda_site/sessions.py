"""Sessions, kept in the database as Django keeps them."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session

KEY_LENGTH = Session._meta.get_field("session_key").max_length


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        # A cookie can say anything ('"\000"' is a NUL once Django unquotes it), and
        # PostgreSQL answers a query with a NUL in it with an error: a key Django could not
        # have made is no session, and is looked up nowhere.
        return bool(
            super()._validate_session_key(key)
            and len(key) <= KEY_LENGTH
            and set(key) <= set(VALID_KEY_CHARS)
        )
