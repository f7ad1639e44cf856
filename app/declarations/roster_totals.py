"""The 核对 list of a roster business (C14 医疗账户补助金: 核对医疗补助金申报信息): its first rows
with each declared field, and Σ of every money field over all rows — for the employer's 核对 and
result pages and the reviewer's detail. Rows a reviewer refused are left out of Σ once decided."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from models.declaration import DeclarationItem
from rules import business as registry
from rules.months import month_label

SHOWN = 500


def of(declaration) -> dict | None:
    """None for a business without a roster."""
    business = registry.BUSINESSES.get(declaration.business_code)
    if business is None or not business.roster:
        return None
    fields = [f for f in business.fields if f.name not in ("id_number", "name")]
    money = [f.name for f in fields if f.kind == "money"]
    sums = dict.fromkeys(money, Decimal("0.00"))
    rows, counted = [], 0
    items = db.session.execute(
        select(DeclarationItem.seq, DeclarationItem.id_number, DeclarationItem.name,
               DeclarationItem.payload, DeclarationItem.status)
        .where(DeclarationItem.declaration_id == declaration.id).order_by(DeclarationItem.seq))
    for seq, number, name, payload, status in items:
        payload = payload or {}
        if len(rows) < SHOWN:
            rows.append({"seq": seq, "id_number": number, "name": name, "status": status,
                         "cells": [_shown(f, payload.get(f.name)) for f in fields]})
        if status == "rejected":
            continue
        counted += 1
        for name_ in money:
            sums[name_] += Decimal(str(payload.get(name_) or 0))
    return {"labels": [f.label for f in fields], "rows": rows, "people": counted,
            "sums": [f"{sums[f.name]:.2f}" if f.name in sums else "" for f in fields],
            "more": declaration.item_count > SHOWN}


def _shown(field, value) -> str:
    if value in (None, ""):
        return ""
    if field.kind == "month":
        return month_label(int(value))
    if field.kind == "money":
        return f"{Decimal(str(value)):.2f}"
    return str(value)
