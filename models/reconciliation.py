"""对账 runs (D4): each comparison of the bank's daily statement with the ledger, and what
did not agree. Center data: no unit owns a run."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from models.columns import Money


class ReconciliationRun(Model):
    __tablename__ = "reconciliation_run"
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)  # the statement's business day
    channel = Column(String(20), nullable=False)
    run_at = Column(DateTime, nullable=False, default=datetime.now)
    user_id = Column(Integer)  # no FK: the row outlives a deleted user
    username = Column(String(128))
    bank_count = Column(Integer, nullable=False, default=0)
    bank_total = Column(Money, nullable=False, default=0)
    ledger_count = Column(Integer, nullable=False, default=0)
    ledger_total = Column(Money, nullable=False, default=0)
    mismatch_count = Column(Integer, nullable=False, default=0)

    mismatches = relationship("ReconciliationMismatch", back_populates="run",
                              order_by="ReconciliationMismatch.id")

    def __repr__(self):
        return f"{self.day:%Y-%m-%d}"


class ReconciliationMismatch(Model):
    __tablename__ = "reconciliation_mismatch"
    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("reconciliation_run.id", ondelete="CASCADE"),
                    nullable=False, index=True)
    trade_no = Column(String(40), nullable=False)
    kind = Column(String(20), nullable=False)  # rules.reconciliation.KINDS
    bank_amount = Column(Money)
    ledger_amount = Column(Money)
    bill_no = Column(String(30))

    run = relationship("ReconciliationRun", back_populates="mismatches")
