"""申报: the declaration, its items (one per person), materials and timeline (ARCHITECTURE.md)."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text,
)
from sqlalchemy.orm import relationship

from models.columns import BigId, Json


class Declaration(Model):
    __tablename__ = "declaration"
    __table_args__ = (
        Index("ix_declaration_unit_status", "unit_id", "status", "read"),
        Index("ix_declaration_queue", "status", "submitted_at"),
        Index("ix_declaration_business", "business_code", "status"),
    )
    id = Column(Integer, primary_key=True)
    serial_no = Column(String(30), unique=True, nullable=False)  # 流水号
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False)
    business_code = Column(String(10), nullable=False)  # C1 … C21, from the business registry
    insurance_codes = Column(String(40))  # 险种 the declaration concerns, "110,210"
    batch = Column(Boolean, nullable=False, default=False)
    status = Column(String(12), nullable=False, default="draft")
    # draft 未提交 | submitted 提交后等待处理 | reviewing 正在处理 | approved 处理成功
    # | rejected 处理失败 | partial 部分处理成功 | void 已作废
    read = Column(Boolean, nullable=False, default=False)  # 设为已读
    returned = Column(Boolean, nullable=False, default=False)  # 回退标志
    return_reason = Column(Text)  # 回退原因
    opinion = Column(Text)  # 审核意见
    payload = Column(Json)  # the wizard's state for business-level fields
    wizard_step = Column(String(20))
    item_count = Column(Integer, nullable=False, default=0)
    auto_decided = Column(Boolean, nullable=False, default=False)
    decision_rule = Column(String(200))  # why an auto-review decided as it did
    created_by_id = Column(Integer, ForeignKey("ab_user.id"))
    reviewer_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=datetime.now)
    updated_at = Column(DateTime, nullable=False, default=datetime.now, onupdate=datetime.now)
    submitted_at = Column(DateTime)
    claimed_at = Column(DateTime)
    decided_at = Column(DateTime)
    # Optimistic lock: two reviewers deciding at once, exactly one wins.
    version = Column(Integer, nullable=False, default=1)

    unit = relationship("Unit")
    created_by = relationship("ShebaoUser", foreign_keys=[created_by_id])
    reviewer = relationship("ShebaoUser", foreign_keys=[reviewer_id])
    items = relationship("DeclarationItem", back_populates="declaration",
                         order_by="DeclarationItem.seq")
    materials = relationship("Material", back_populates="declaration")
    events = relationship("DeclarationEvent", back_populates="declaration",
                          order_by="DeclarationEvent.at")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return self.serial_no


class DeclarationItem(Model):
    """One person (row) of a declaration, with its own payload and result."""

    __tablename__ = "declaration_item"
    __table_args__ = (
        Index("ix_declaration_item_decl", "declaration_id", "seq"),
        Index("ix_declaration_item_person", "id_number", "status"),
    )
    id = Column(BigId, primary_key=True)
    declaration_id = Column(Integer, ForeignKey("declaration.id"), nullable=False)
    seq = Column(Integer, nullable=False)  # row number in the batch, 1 for single
    person_id = Column(Integer, ForeignKey("person.id"))
    id_number = Column(String(18))
    name = Column(String(50))
    payload = Column(Json, nullable=False, default=dict)
    status = Column(String(10), nullable=False, default="pending")  # pending | approved | rejected
    result_message = Column(Text)

    declaration = relationship("Declaration", back_populates="items")
    person = relationship("Person")


class Material(Model):
    """电子材料 (C22): stored content-addressed outside the web root. A type may hold several
    files (each page scanned apart); ``replaced`` marks a file taken off the declaration."""

    __tablename__ = "material"
    id = Column(Integer, primary_key=True)
    declaration_id = Column(Integer, ForeignKey("declaration.id"), nullable=False, index=True)
    item_id = Column(BigId, ForeignKey("declaration_item.id"))
    material_type = Column(String(20), nullable=False)
    filename = Column(String(200), nullable=False)
    content_type = Column(String(60), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id"))
    uploaded_at = Column(DateTime, nullable=False, default=datetime.now)
    replaced = Column(Boolean, nullable=False, default=False)
    pages = Column(Integer)  # 页数 the clerk states, checked by the reviewer against the file
    remark = Column(String(200))  # 备注

    declaration = relationship("Declaration", back_populates="materials")


class DeclarationEvent(Model):
    """One step of the timeline (H8): who moved the declaration from which state to which."""

    __tablename__ = "declaration_event"
    id = Column(Integer, primary_key=True)
    declaration_id = Column(Integer, ForeignKey("declaration.id"), nullable=False, index=True)
    action = Column(String(20), nullable=False)
    from_status = Column(String(12))
    to_status = Column(String(12))
    actor_id = Column(Integer, ForeignKey("ab_user.id"))
    actor_name = Column(String(128))
    message = Column(Text)
    ip = Column(String(45))
    at = Column(DateTime, nullable=False, default=datetime.now)

    declaration = relationship("Declaration", back_populates="events")


class SerialCounter(Model):
    """The last 流水号 sequence handed out per prefix (SB + day): raised by one atomic UPDATE,
    so concurrent saves each get their own number (app/declarations/serial.py)."""

    __tablename__ = "serial_counter"
    prefix = Column(String(20), primary_key=True)
    last = Column(Integer, nullable=False)


class UnfinishedPerson(Model):
    """A person's one unfinished declaration of one business (RULES.md §10), held by the
    database: the primary key refuses a second draft saved at the same moment, which a check
    before the insert cannot (app/declarations/unfinished.py keeps the rows in step)."""

    __tablename__ = "unfinished_person"
    business_code = Column(String(10), primary_key=True)
    id_number = Column(String(18), primary_key=True)
    # Per unit: one unit's draft never blocks another unit (their clash, if both reach the
    # center, is caught by the registry checks that the approval runs again).
    unit_id = Column(Integer, ForeignKey("unit.id"), primary_key=True)
    declaration_id = Column(Integer, ForeignKey("declaration.id"), nullable=False, index=True)
