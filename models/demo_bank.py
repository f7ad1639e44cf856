"""The built-in demo bank's own books: its orders and the notifications it owes the merchant.

The bank is another party: it keeps its own order per trade number (so it can answer a
query-order call and print a daily statement) and never reads the merchant's tables."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from models.columns import Json

# Order states at the bank (its own words, as gateways return them).
WAIT, SUCCESS, FAILED, CLOSED = "WAIT_BUYER_PAY", "TRADE_SUCCESS", "TRADE_FAILED", "TRADE_CLOSED"


class BankOrder(Model):
    __tablename__ = "demo_bank_order"
    __table_args__ = (Index("ix_demo_bank_order_finished_at", "finished_at"),)
    id = Column(Integer, primary_key=True)
    trade_no = Column(String(40), unique=True, nullable=False)  # the merchant's trade number
    merchant = Column(String(100), nullable=False)
    subject = Column(String(200), nullable=False)
    amount_fen = Column(BigInteger, nullable=False)
    notify_url = Column(String(500), nullable=False)
    return_url = Column(String(500), nullable=False)
    status = Column(String(20), nullable=False, default=WAIT)
    bank_ref = Column(String(60), unique=True)  # the bank's own serial number, once paid
    created_at = Column(DateTime, nullable=False, default=datetime.now)
    finished_at = Column(DateTime)


# Notification delivery states.
PENDING, DELIVERED, GIVEN_UP = "pending", "delivered", "given_up"


class BankNotification(Model):
    """One asynchronous notification the bank owes; resent on rules.notify_schedule until the
    merchant answers ``success``."""

    __tablename__ = "demo_bank_notification"
    __table_args__ = (Index("ix_demo_bank_notification_due", "status", "next_at"),)
    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("demo_bank_order.id"), nullable=False, index=True)
    url = Column(String(500), nullable=False)
    payload = Column(Json, nullable=False)  # the signed parameters, sent as a form POST
    status = Column(String(10), nullable=False, default=PENDING)
    attempts = Column(Integer, nullable=False, default=0)
    next_at = Column(DateTime)
    last_at = Column(DateTime)
    last_answer = Column(Text)

    order = relationship("BankOrder")
