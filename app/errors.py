"""Domain errors the web layer maps to a flash message or a status code (STYLE.md §5)."""


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
