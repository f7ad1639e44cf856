"""Making and voiding bills (D3 工资申报缴费, D5 补缴缴费) from the Contribution ledger.

A bill claims its ledger lines by setting their bill_id in one UPDATE that only takes lines
no bill holds: two clerks billing the same months at once cannot both get them (PostgreSQL
re-reads the claimed rows after the first commit, SQLite serialises the writers). Before that,
a month and 险种 still held by an open bill (未支付, 支付中, 支付失败) refuses the whole request:
one open bill per month and 险种 and kind at a time. Voiding frees the lines again.

The callers (views/bills.py) commit on success and roll back on a refusal, writing the refusal's
audit row after the rollback, so a refused request changes nothing but the audit log.
"""
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, cast, distinct, func, or_, select, update

from app import audit
from app.declarations.base_declaration import refresh_unit_totals
from app.errors import Invalid, NotFound
from app.extensions import db
from app.money import bills
from app.money.terms import late_fee_of, terms_of_years
from models.contribution import Bill, Contribution
from models.declaration import Declaration
from models.reference import Insurance
from models.unit import Unit, UnitInsurance
from rules import bill_status
from rules.late_fee import due_date
from rules.months import month_label
from rules.rates import MATERNITY

REGULAR, BACK_PAYMENT = "regular", "back_payment"
ZERO = Decimal("0.00")
C = Contribution.__table__


def fen(column):
    """A money column in whole fen: exact sums on SQLite too (it keeps NUMERIC as a float)."""
    return cast(func.round(column * 100), BigInteger)


def fen_sum(column):
    return func.sum(fen(column))


def yuan(fen_value) -> Decimal:
    return Decimal(int(fen_value or 0)).scaleb(-2)


@dataclass
class Group:
    """The sums of one group of ledger lines (a 险种, a declaration, a 险种 and month)."""

    key: tuple
    persons: int = 0
    lines: int = 0
    base_total: Decimal = ZERO
    unit_amount: Decimal = ZERO
    personal_amount: Decimal = ZERO
    late_fee: Decimal = ZERO
    first_month: int | None = None
    last_month: int | None = None
    codes: set = field(default_factory=set)

    @property
    def amount(self) -> Decimal:
        return self.unit_amount + self.personal_amount

    @property
    def total(self) -> Decimal:
        return self.amount + self.late_fee


# --- what the unit may bill ------------------------------------------------------------------
def withholding(unit_id: int) -> bool:
    return bool(db.session.scalar(select(Unit.withholding).where(Unit.id == unit_id)))


def billable_insurances(unit_id: int) -> list[Insurance]:
    """The unit's linked 险种 that are collected (生育 is collected with 医疗 and has no lines)."""
    return db.session.scalars(
        select(Insurance).join(UnitInsurance, UnitInsurance.insurance_id == Insurance.id)
        .where(UnitInsurance.unit_id == unit_id, UnitInsurance.linked.is_(True),
               Insurance.code != MATERNITY)
        .order_by(Insurance.sort, Insurance.code)).all()


def insurance_ids(unit_id: int, codes) -> dict[int, str]:
    """id → code of the chosen 险种; a code the unit has not linked is refused."""
    allowed = {i.code: i.id for i in billable_insurances(unit_id)}
    codes = [c for c in dict.fromkeys(codes or []) if c]
    if not codes:
        raise Invalid("请选择缴费险种")
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise Invalid(f"险种{'、'.join(unknown)}不是本单位已关联的险种")
    return {allowed[c]: c for c in codes}


def _selection(unit_id: int, kind: str, first=None, last=None, ins_ids=None,
               declaration_ids=None) -> list:
    where = [C.c.unit_id == unit_id, C.c.paid.is_(False),
             C.c.back_payment.is_(kind == BACK_PAYMENT)]
    if first is not None:
        where.append(C.c.month.between(first, last))
    if ins_ids is not None:
        where.append(C.c.insurance_id.in_(list(ins_ids)))
    if declaration_ids is not None:
        # 0 stands for back-payment lines no declaration wrote (listed as a group of their own).
        ids = [i for i in declaration_ids if i]
        where.append(or_(C.c.declaration_id.in_(ids), C.c.declaration_id.is_(None))
                     if 0 in declaration_ids else C.c.declaration_id.in_(ids))
    return where


# A line no open bill holds: none at all, or one voided before voiding freed its lines.
UNBILLED = or_(C.c.bill_id.is_(None), C.c.bill_id.in_(
    select(Bill.id).where(Bill.status == bill_status.VOID)))


def summary(where: list, group_by, day: date) -> dict:
    """Group → Group sums of the unbilled lines ``where`` selects, the late fee to ``day`` per
    line (as bills.reprice computes it). ``group_by`` names the ledger columns of the key."""
    keys = [C.c[name] for name in group_by]
    groups: dict[tuple, Group] = {}
    rows = db.session.execute(
        select(*keys, C.c.insurance_id, func.count(distinct(C.c.person_id)), func.count(),
               fen_sum(C.c.base), fen_sum(C.c.unit_amount), fen_sum(C.c.personal_amount),
               func.min(C.c.month), func.max(C.c.month))
        .where(*where, UNBILLED).group_by(*keys, C.c.insurance_id)).all()
    codes = dict(db.session.execute(select(Insurance.id, Insurance.code)).all())
    for *key, ins, persons, lines, base, unit, personal, first, last in rows:
        g = groups.setdefault(tuple(key), Group(tuple(key)))
        g.persons = max(g.persons, persons)  # the same people under each 险种
        g.lines += lines
        g.base_total += yuan(base)
        g.unit_amount += yuan(unit)
        g.personal_amount += yuan(personal)
        g.first_month = min(g.first_month or first, first)
        g.last_month = max(g.last_month or last, last)
        g.codes.add(codes.get(ins))
    # The late fee depends on a line's amount and month only: one computation per distinct pair.
    amount = fen(C.c.unit_amount) + fen(C.c.personal_amount)
    fees = db.session.execute(
        select(*keys, C.c.month, amount, func.count())
        .where(*where, UNBILLED).group_by(*keys, C.c.month, amount)).all()
    terms = terms_of_years({row[-3] // 100 for row in fees} or {day.year})
    for *key, month, amount, count in fees:
        groups[tuple(key)].late_fee += late_fee_of(yuan(amount), month, day, terms) * count
    return groups


def regular_summary(unit_id: int, first: int, last: int, ins_ids, day: date) -> list[Group]:
    """工资申报缴费: per 险种, what the chosen months still owe (unbilled) and the late fee."""
    groups = summary(_selection(unit_id, REGULAR, first, last, ins_ids), ["insurance_id"], day)
    return [groups[k] for k in sorted(groups)]


def back_payment_summary(unit_id: int, day: date) -> list[tuple[Declaration, Group]]:
    """补缴缴费: the unit's unbilled back-payment lines per declaration."""
    groups = summary(_selection(unit_id, BACK_PAYMENT), ["declaration_id"], day)
    ids = [k[0] for k in groups if k[0] is not None]
    found = {d.id: d for d in db.session.scalars(select(Declaration).where(
        Declaration.id.in_(ids), Declaration.unit_id == unit_id))}
    return [(found.get(k[0]), groups[k]) for k in sorted(groups, key=lambda k: k[0] or 0)]


# --- making and voiding -------------------------------------------------------------------------
def create_regular(unit_id: int, first: int, last: int, codes, day: date) -> Bill:
    """The bill of the chosen months and 险种 (refusals raise Invalid with the reason)."""
    _refuse_withholding(unit_id)
    ins_ids = insurance_ids(unit_id, codes)
    bill = _create(unit_id, REGULAR, _selection(unit_id, REGULAR, first, last, ins_ids), day)
    if bill is None:
        raise Invalid("所选月份和险种没有应缴费用，不能生成缴费单据")
    return bill


def create_back_payment(unit_id: int, declaration_ids, day: date) -> Bill:
    """One 补缴 bill of the chosen declarations' back-payment lines."""
    _refuse_withholding(unit_id)
    ids = [int(i) for i in declaration_ids or [] if str(i).isdigit()]
    if not ids:
        raise Invalid("请选择要缴费的补缴申报")
    bill = _create(unit_id, BACK_PAYMENT, _selection(unit_id, BACK_PAYMENT, declaration_ids=ids),
                   day)
    if bill is None:
        raise Invalid("所选补缴申报没有未缴费的补缴费用")
    return bill


def _refuse_withholding(unit_id: int) -> None:
    if withholding(unit_id):
        raise Invalid("本单位已签订银行代扣协议，社会保险费由银行代扣，无需生成缴费单据")


def _create(unit_id: int, kind: str, where: list, day: date) -> Bill | None:
    """The bill of the lines ``where`` selects; None when there are none (the caller refuses
    and rolls back the bill row begun here)."""
    _refuse_held(where)
    bill = Bill(bill_no=f"TMP{uuid.uuid4().hex[:20]}", unit_id=unit_id, kind=kind,
                period_start=0, period_end=0, insurance_codes="", amount=ZERO, late_fee=ZERO,
                total=ZERO, status=bill_status.UNPAID)
    db.session.add(bill)
    db.session.flush()
    # The bill number comes from the database's own key: unique however many bills are made
    # at once, readable as 缴费 + the day + a sequence.
    bill.bill_no = f"JF{day:%Y%m%d}{bill.id:08d}"
    claimed = db.session.execute(
        update(C).where(*where, UNBILLED).values(bill_id=bill.id)).rowcount
    if not claimed:
        return None
    first, last, amount, ins = db.session.execute(
        select(func.min(C.c.month), func.max(C.c.month),
               fen_sum(C.c.unit_amount) + fen_sum(C.c.personal_amount),
               func.count(distinct(C.c.insurance_id)))
        .where(C.c.bill_id == bill.id)).one()
    codes = db.session.scalars(
        select(Insurance.code).where(Insurance.id.in_(
            select(C.c.insurance_id).where(C.c.bill_id == bill.id))).order_by(Insurance.code))
    bill.period_start, bill.period_end = first, last
    bill.insurance_codes = ",".join(codes)
    bill.amount = yuan(amount)
    due_day = terms_of_years({last // 100})[last // 100][1]
    bill.due_date = due_date(last, due_day)
    bills.reprice(bill, day)
    bills.refresh_totals(bill)
    audit.record("bill_create", target_type="bill", target_id=bill.bill_no,
                 detail={"bill_id": bill.id, "kind": kind, "lines": claimed,
                         "period": f"{month_label(first)}~{month_label(last)}",
                         "insurances": bill.insurance_codes, "total": str(bill.total)})
    db.session.flush()
    return bill


def _refuse_held(where: list) -> None:
    """A month and 险种 of the selection still on an open bill refuses the whole request."""
    held = db.session.execute(
        select(Bill.bill_no, C.c.month, Insurance.code)
        .join(Bill, Bill.id == C.c.bill_id).join(Insurance, Insurance.id == C.c.insurance_id)
        .where(*where, Bill.status.in_(bill_status.OPEN))
        .group_by(Bill.bill_no, C.c.month, Insurance.code)
        .order_by(C.c.month, Insurance.code).limit(1)).first()
    if held:
        bill_no, month, code = held
        raise Invalid(f"{month_label(month)} 险种{code}已在缴费单据{bill_no}中，"
                      "请先缴费或作废该单据，不能重复生成")


def void(bill_id: int, unit_id: int | None) -> Bill:
    """作废 an unpaid or failed bill of the unit and free its lines (another unit's bill, or
    none: NotFound, as the page answers 404)."""
    bill = bills.lock(bill_id, unit_id)
    if bill is None:
        raise NotFound("缴费单据不存在")
    bills.move(bill, bill_status.VOID)
    months = db.session.scalars(
        select(C.c.month).where(C.c.bill_id == bill.id).distinct()).all()
    freed = db.session.execute(update(C).where(C.c.bill_id == bill.id, C.c.paid.is_(False))
                               .values(bill_id=None)).rowcount
    refresh_unit_totals(bill.unit_id, months)
    audit.record("bill_void", target_type="bill", target_id=bill.bill_no,
                 detail={"bill_id": bill.id, "lines": freed, "total": str(bill.total)})
    db.session.flush()
    return bill


def bill_lines(bill: Bill) -> list[Group]:
    """The bill's lines per 险种 and month (the detail page), with their late fees."""
    rows = db.session.execute(
        select(Insurance.code, C.c.month, func.count(distinct(C.c.person_id)), func.count(),
               fen_sum(C.c.base), fen_sum(C.c.unit_amount), fen_sum(C.c.personal_amount),
               fen_sum(C.c.late_fee))
        .join(Insurance, Insurance.id == C.c.insurance_id)
        .where(C.c.bill_id == bill.id)
        .group_by(Insurance.code, Insurance.sort, C.c.month)
        .order_by(C.c.month, Insurance.sort, Insurance.code)).all()
    return [Group((code, month), persons=persons, lines=lines, base_total=yuan(base),
                  unit_amount=yuan(unit), personal_amount=yuan(personal), late_fee=yuan(fee),
                  first_month=month, last_month=month, codes={code})
            for code, month, persons, lines, base, unit, personal, fee in rows]


def totals(groups) -> Group:
    out = Group(("total",))
    for g in groups:
        out.persons = max(out.persons, g.persons)
        out.lines += g.lines
        out.base_total += g.base_total
        out.unit_amount += g.unit_amount
        out.personal_amount += g.personal_amount
        out.late_fee += g.late_fee
    return out


def bills_holding(unit_id: int, statuses=bill_status.OPEN) -> list[Bill]:
    return db.session.scalars(select(Bill).where(
        Bill.unit_id == unit_id, Bill.status.in_(list(statuses))).order_by(Bill.id)).all()

