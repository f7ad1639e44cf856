"""参保缴费证明 rules (F3, H4, RULES.md §9): the verification code, the masked ID the public page
shows, the purposes (打印用途) and the month range a certificate may cover. Pure.

The code is 20 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L): 99
bits from ``secrets``, so it cannot be guessed, and a person can type it from paper. It is
printed in groups of four; what is typed back is read without dashes, spaces or case.
"""
import secrets
from datetime import date

from rules.errors import RuleError
from rules.months import parse_month, to_month

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 letters: no 0, O, 1, I, L
CODE_LENGTH = 20
FIRST_MONTH = 199001  # the ledger of this system starts later; earlier asks are typos
# 单位打印用途, as the 济南 screen offers them; stored and printed in Chinese.
PURPOSES = ("子女入学", "购房", "购车", "落户", "职称评定", "出国（境）签证", "招投标", "其他")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text) -> str | None:
    """The code as stored, from what a person typed or the QR URL carried; None if it cannot be
    one (the caller answers "not found" the same way either way)."""
    code = "".join(str(text or "").split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def grouped(code: str) -> str:
    """ABCD-EFGH-JKMN-PQRS-TUVW, as printed."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def masked_id(number: str) -> str:
    """First 6 and last 4 characters shown, the rest starred (RULES.md §9)."""
    number = str(number or "")
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def purpose_of(text) -> str:
    value = str(text or "").strip()
    if value not in PURPOSES:
        raise RuleError("请选择打印用途")
    return value


def period(start_text, end_text, today: date) -> tuple[int, int]:
    """(first, last) month of a certificate: both parse, first ≤ last, none in the future."""
    start = parse_month(start_text, "起始年月")
    end = parse_month(end_text, "终止年月")
    if start < FIRST_MONTH:
        raise RuleError("起始年月不能早于1990年1月")
    if end > to_month(today):
        raise RuleError("终止年月不能晚于本月")
    if end < start:
        raise RuleError("终止年月不能早于起始年月")
    return start, end
