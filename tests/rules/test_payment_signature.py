"""HMAC-SHA256 over the sorted parameters (rules/payment_signature.py) and fen on the wire."""
import hashlib
import hmac
from decimal import Decimal

import pytest

from rules.errors import InvalidAmount
from rules.payment_signature import (
    BadSignature, fen_to_yuan, sign, signed, signing_string, verify, yuan_to_fen,
)

SECRET = "s3cret"


def test_the_signing_string_sorts_names_and_leaves_out_empty_values_and_the_signature():
    params = {"trade_no": "P1", "amount_fen": 12345, "status": "SUCCESS", "memo": "", "sign": "x"}
    assert signing_string(params) == "amount_fen=12345&status=SUCCESS&trade_no=P1"


def test_the_signature_is_hmac_sha256_of_that_string():
    expected = hmac.new(b"s3cret", b"amount_fen=100&trade_no=P1", hashlib.sha256).hexdigest()
    assert sign({"trade_no": "P1", "amount_fen": 100}, SECRET) == expected


def test_signed_parameters_verify_and_any_change_breaks_them():
    params = signed({"trade_no": "P1", "amount_fen": 100, "status": "SUCCESS"}, SECRET)
    verify(params, SECRET)
    for key, value in (("amount_fen", "101"), ("status", "FAILED"), ("trade_no", "P2")):
        with pytest.raises(BadSignature):
            verify({**params, key: value}, SECRET)
    with pytest.raises(BadSignature):
        verify(params, "another secret")
    with pytest.raises(BadSignature):
        verify({k: v for k, v in params.items() if k != "sign"}, SECRET)


def test_yuan_go_to_the_bank_as_whole_fen_and_come_back_exactly():
    assert yuan_to_fen(Decimal("6007.14")) == 600714
    assert yuan_to_fen("0.05") == 5
    assert yuan_to_fen(Decimal("1.005")) == 101  # half-up to the fen first
    assert fen_to_yuan("600714") == Decimal("6007.14")
    assert fen_to_yuan(5) == Decimal("0.05")


@pytest.mark.parametrize("bad", ["", "-5", "1.5", "1e3", "١٢", "abc", "9" * 16])
def test_a_fen_amount_that_is_not_plain_digits_is_refused(bad):
    with pytest.raises(InvalidAmount):
        fen_to_yuan(bad)
