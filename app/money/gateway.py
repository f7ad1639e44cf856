"""The payment gateway (D4): one adapter interface, chosen by config PAYMENT_GATEWAY.

Chinese gateways (Alipay, WeChat Pay, the banks' own) all work the same way, and so does this
interface:

- ``create_order(order)``: the merchant hands over its trade number and the amount in **fen**
  and gets the URL of the bank's cashier page to send the browser to;
- ``verify_notification(params)``: the bank's asynchronous notification, posted to the
  merchant's notify URL, checked (signature, amount in fen) and read as a ``TradeState``;
- ``query_order(trade_no)``: the bank's own word on one trade, for a notification that never came;
- ``close_order(trade_no)``: the merchant gives a trade up (放弃支付); the bank says the state
  it ends in (a trade already paid stays paid);
- ``daily_statement(day)``: the bank's 对账单, every trade it received money for on ``day``.

A gateway is registered by name; ``demo_bank`` (app/demo_bank/) is the default. A real bank's
adapter is one more class with the same methods, registered the same way."""
import importlib
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app

# What a trade is at the bank, in the merchant's terms whatever the bank calls it.
WAITING, PAID, FAILED, CLOSED = "waiting", "paid", "failed", "closed"

DEFAULT = "demo_bank"
# Built-in gateways, imported when first asked for: name → "module:Class".
BUILT_IN = {"demo_bank": "app.demo_bank.gateway:DemoBankGateway"}
GATEWAYS: dict[str, type] = {}


@dataclass(frozen=True)
class Order:
    trade_no: str
    amount_fen: int
    subject: str
    notify_url: str
    return_url: str


@dataclass(frozen=True)
class TradeState:
    trade_no: str
    status: str  # WAITING | PAID | FAILED | CLOSED
    amount_fen: int
    bank_ref: str | None = None
    paid_at: datetime | None = None


class Gateway:
    """The interface every gateway implements."""

    name = ""

    def __init__(self, config):
        self.config = config

    def create_order(self, order: Order) -> str:
        raise NotImplementedError

    def verify_notification(self, params: dict) -> TradeState:
        """The notification's facts; rules.payment_signature.BadSignature or
        rules.errors.InvalidAmount when it cannot be trusted or read."""
        raise NotImplementedError

    def query_order(self, trade_no: str) -> TradeState | None:
        raise NotImplementedError

    def close_order(self, trade_no: str) -> TradeState | None:
        raise NotImplementedError

    def daily_statement(self, day: date) -> list[TradeState]:
        raise NotImplementedError


def register(name: str):
    def add(cls):
        cls.name = name
        GATEWAYS[name] = cls
        return cls

    return add


def gateway(name: str | None = None) -> Gateway:
    """The configured gateway (PAYMENT_GATEWAY, default demo_bank)."""
    name = name or current_app.config.get("PAYMENT_GATEWAY") or DEFAULT
    if name not in GATEWAYS and name in BUILT_IN:
        module, _, cls = BUILT_IN[name].partition(":")
        register(name)(getattr(importlib.import_module(module), cls))
    if name not in GATEWAYS:
        raise LookupError(f"未知的支付渠道：{name}")
    return GATEWAYS[name](current_app.config)


def secret() -> str:
    """The key both sides sign with (PAYMENT_SECRET)."""
    value = current_app.config.get("PAYMENT_SECRET")
    if not value:
        raise RuntimeError("PAYMENT_SECRET is not set")
    return value
