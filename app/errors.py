"""Domain errors the web layer maps to a flash message or a status code (STYLE.md §5), and the
safety net for request numbers no database can take."""
import logging

from flask import request
from flask_babel import gettext
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest

from app.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A refusal with a Chinese message the user can act on."""

    status = 422
    message = "请求无法处理"

    def __init__(self, message: str | None = None):
        self.message = message or self.message
        super().__init__(self.message)


class Invalid(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404
    message = "记录不存在"


class Forbidden(DomainError):
    status = 403
    message = "无权访问"


class TooMany(DomainError):
    status = 429
    message = "操作过于频繁，请稍后再试"


# --- the safety net for numbers no database can take ------------------------------------------
# SQLSTATEs of a value that came from the request and does not fit the column: 22003 numeric
# value out of range, 22P02 invalid text representation (PostgreSQL).
OUT_OF_RANGE = {"22003", "22P02"}


def init_app(app) -> None:
    """A number past what the database can hold, wherever a request brings one in, answers a
    400 and a line in the log, not a 500. Views check their input first (app/request_guard.py
    for keys in the URL); this catches what reaches the database anyway."""
    app.register_error_handler(OverflowError, _out_of_range)
    app.register_error_handler(DataError, _data_error)
    from views import message_i18n  # the pages show these messages in the reader's language

    message_i18n.init_app(app)


def _out_of_range(error):
    db.session.rollback()
    log.warning("refused %s %s: %s", request.method, request.path, error)
    return BadRequest(gettext("请求中的数值超出范围"))


def _data_error(error):
    if getattr(getattr(error, "orig", None), "sqlstate", None) not in OUT_OF_RANGE:
        raise error  # any other refusal of the database is a bug to see, not input to refuse
    return _out_of_range(error)
