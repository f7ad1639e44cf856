"""Rule errors carry the Chinese reason the user sees, so str(error) can go straight to a flash message.

They subclass ValueError because every one of them means "this input is not acceptable"; callers
that only know about ValueError (form validators, parsers) still catch them.
"""


class RuleError(ValueError):
    message = "业务规则校验未通过"

    def __init__(self, message: str | None = None):
        self.message = message or self.message
        super().__init__(self.message)


class InvalidIdNumber(RuleError):
    message = "身份证号码无效"

    def __init__(self, reason: str, detail: str = ""):
        # The bare reason (长度不正确 …) stays machine-readable for tests and import error reports.
        self.reason = reason
        super().__init__(f"身份证号码{reason}{detail}")


class InvalidMonth(RuleError):
    message = "年月无效，应为YYYYMM"


class InvalidAmount(RuleError):
    message = "金额无效"


class InvalidRate(RuleError):
    message = "费率无效"


class InvalidRetirementCategory(RuleError):
    message = "退休年龄类别无效"


class InvalidParameter(RuleError):
    message = "参数无效"


def refusal(error_class: type[RuleError], field: str, template: str, **params) -> RuleError:
    """A refusal of an admin form in Chinese, keeping its template and values for a page in
    another language (``error.template``, ``error.params``) and the form field it concerns
    (``error.field``): views.admin_checks shows it under that field."""
    error = error_class(template % params)
    error.field, error.template, error.params = field, template, params
    return error
