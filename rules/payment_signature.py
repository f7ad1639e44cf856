"""Signing what the bank and the merchant send each other, the way Chinese gateways do (Alipay,
WeChat Pay): the parameters sorted by name, joined as ``k=v&k=v`` (empty values and the
signature itself left out), and an HMAC-SHA256 over that string with the shared secret.

Amounts cross the wire in fen (integers): a yuan amount as text would invite float parsing."""
import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal

from rules.errors import InvalidAmount, RuleError
from rules.money import FEN, to_fen

SIGN_FIELD = "sign"


class BadSignature(RuleError):
    message = "签名验证失败"


def signing_string(params: Mapping[str, object]) -> str:
    """The canonical text a signature covers."""
    return "&".join(f"{key}={params[key]}" for key in sorted(params)
                    if key != SIGN_FIELD and params[key] not in (None, ""))


def sign(params: Mapping[str, object], secret: str) -> str:
    if not secret:
        raise ValueError("a signature needs a secret")
    digest = hmac.new(secret.encode(), signing_string(params).encode(), hashlib.sha256)
    return digest.hexdigest()


def signed(params: Mapping[str, object], secret: str) -> dict[str, str]:
    """The parameters as text with their signature added."""
    values = {key: str(value) for key, value in params.items() if value not in (None, "")}
    return {**values, SIGN_FIELD: sign(values, secret)}


def verify(params: Mapping[str, object], secret: str) -> None:
    """Raise BadSignature unless ``params`` carry a valid signature (compared in constant time)."""
    given = params.get(SIGN_FIELD)
    if not isinstance(given, str) or not given:
        raise BadSignature("签名缺失")
    if not hmac.compare_digest(given.lower(), sign(params, secret)):
        raise BadSignature()


def yuan_to_fen(amount: Decimal | int | str) -> int:
    """The amount handed to the bank: whole fen."""
    return int(to_fen(amount) / FEN)


def fen_to_yuan(fen: int | str) -> Decimal:
    """A fen amount the bank sent back: digits only (no sign, no point), else InvalidAmount."""
    text = str(fen).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 15:
        raise InvalidAmount(f"金额格式不正确：{fen!r}")
    return (Decimal(int(text)) * FEN).quantize(FEN)
