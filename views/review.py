"""Back office (G1): the reviewer's queue, one declaration with its items, materials, cost and
history, claim and release, and the decision (per item for batches, with an opinion)."""
from datetime import datetime, timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as __
from sqlalchemy import func, or_, select

from app.declarations import changes, commands, materials, person_facts, phone_change
from app.declarations import roster_totals
from views.roster_steps import shown_source
from app.declarations.choices import load_choices
from app.declarations.cost_summary import summary
from app.declarations.display import facts
from app.declarations.shown import EVENT_NAMES, shown_facts
from app.errors import DomainError, Invalid
from app.extensions import db
from views.declaration_print import print_response, printable
from views.export import xlsx_response
from views.file_response import material_response
from app.roles import REVIEWER
from models.declaration import Declaration, DeclarationItem
from models.unit import Unit
from rules import id_number, workflow
from rules.business import BUSINESSES

PAGE_SIZE = 50
MAX_PAGE = 100_000  # a page number past any real queue: bigger ones would overflow the OFFSET
MAX_WAITING_HOURS = 24 * 365 * 10
QUEUE_STATES = (workflow.SUBMITTED, workflow.REVIEWING)
SHOWN_ITEMS = 500
DECIDED_TODAY = "decided_today"


class ReviewView(BaseView):
    route_base = "/review"
    default_view = "queue"
    class_permission_name = "Review"
    method_permission_name = {"queue": "read", "detail": "read", "material_file": "read",
                              "print_pdf": "read", "items_xlsx": "read", "act": "decide"}
    role_access = {REVIEWER: {"can_read", "can_decide"}}

    @expose("/")
    @has_access
    def queue(self):
        args = request.args
        query = select(Declaration).join(Unit, Unit.id == Declaration.unit_id)
        status = args.get("status") or "open"
        if status == "open":
            query = query.where(Declaration.status.in_(QUEUE_STATES))
        elif status == DECIDED_TODAY:  # the home page's 今日已办: this reviewer's decisions
            today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
            query = query.where(Declaration.status.in_(workflow.DECIDED),
                                Declaration.reviewer_id == g.user.id,
                                Declaration.decided_at >= today)
        elif status in workflow.STATUS_NAMES:
            query = query.where(Declaration.status == status)
        if args.get("business") in BUSINESSES:
            query = query.where(Declaration.business_code == args["business"])
        unit = (args.get("unit") or "").strip()
        if unit:
            query = query.where(or_(Unit.unit_no == unit, Unit.name.contains(unit)))
        hours = args.get("waiting", type=int)
        if hours:
            hours = max(min(hours, MAX_WAITING_HOURS), -MAX_WAITING_HOURS)
            query = query.where(Declaration.submitted_at <= datetime.now() - timedelta(hours=hours))
        if args.get("mine"):
            query = query.where(Declaration.reviewer_id == g.user.id)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        page = min(max(args.get("page", 1, type=int), 1), MAX_PAGE)
        rows = db.session.scalars(
            query.order_by(Declaration.submitted_at.asc().nulls_last(), Declaration.id)
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
        return self.render_template(
            "review/queue.html", rows=rows, total=total, page=page, page_size=PAGE_SIZE,
            businesses=BUSINESSES, status=status, status_names=workflow.STATUS_NAMES,
            now=datetime.now())

    @expose("/<int:pk>/")
    @has_access
    def detail(self, pk, opinion_error=None):
        declaration = self._load(pk)
        business = BUSINESSES.get(declaration.business_code)
        items = self._items(declaration, business)
        compared = changes.compare(declaration, [item for item, _ in items])
        # What the registry checks find now (they run again on approval): undecided only.
        found = (person_facts.findings(declaration, business, [item for item, _ in items])
                 if business and declaration.status in (workflow.SUBMITTED, workflow.REVIEWING)
                 else {})
        unit_business = business is not None and business.subject == "unit"
        return self.render_template(
            "review/detail.html", d=declaration, business=business,
            items=items, changes=compared, findings=found,
            by_item={c.item_id: c for c in compared if c.item_id is not None},
            declared=shown_facts(business, declaration.payload, load_choices())
            if unit_business and not compared and declaration.payload else [],
            report=_import_report(declaration),
            summary=summary(declaration) if business else None,
            roster_totals=roster_totals.of(declaration),
            checklist=materials.checklist(declaration) if business else [],
            mine=declaration.reviewer_id == g.user.id,
            may_release=commands.may_release(declaration, g.user),
            can_print=printable(declaration, official_only=False),
            phone=_phone_change(declaration),
            opinion_error=opinion_error, opinion_limit=commands.OPINION_LIMIT,
            typed_opinion=request.form.get("opinion", "") if opinion_error else "",
            status_names=workflow.STATUS_NAMES, item_names=workflow.ITEM_STATUS_NAMES,
            event_names=EVENT_NAMES)

    @expose("/<int:pk>/materials/<int:material_id>")
    @has_access
    def material_file(self, pk, material_id):
        return material_response(self._load(pk), material_id)

    @expose("/<int:pk>/print.pdf")
    @has_access
    def print_pdf(self, pk):
        """The form as the unit prints it; before the decision it is marked 仅供核对, so the
        reviewer can check the paper the unit brought against it."""
        return print_response(self._load(pk), official_only=False)

    @expose("/<int:pk>/items.xlsx")
    @has_access
    def items_xlsx(self, pk):
        """Every item of the declaration as a workbook: a batch longer than the page is checked
        offline, and the people to refuse are pasted back as ID numbers. The items are read as
        plain rows in chunks: a batch may hold 100,000."""
        declaration = self._load(pk)
        business = BUSINESSES.get(declaration.business_code)
        of_this = DeclarationItem.declaration_id == declaration.id
        count = db.session.scalar(select(func.count()).where(of_this))
        if business is None or not count:
            abort(404)
        choices = load_choices()
        item_names = workflow.ITEM_STATUS_NAMES
        headers = [__("序号"), *(__(f.label) for f in business.fields), __("审核状态"),
                   __("审核结果说明")]
        items = db.session.execute(
            select(DeclarationItem.seq, DeclarationItem.payload, DeclarationItem.status,
                   DeclarationItem.result_message)
            .where(of_this).order_by(DeclarationItem.seq).execution_options(yield_per=2000))
        rows = ([seq, *(value for _label, value in facts(business, payload, choices)),
                 __(item_names.get(status, status)), message or ""]
                for seq, payload, status, message in items)
        return xlsx_response(f"{declaration.serial_no}_{__('申报明细')}", headers, rows,
                             limit=count)

    @expose("/<int:pk>/<action>/", methods=["POST"])
    @has_access
    def act(self, pk, action):
        declaration = self._load(pk)
        try:
            if action == "claim":
                commands.claim(declaration, g.user)
            elif action == "release":
                commands.release(declaration, g.user)
            elif action == "decide":
                opinion = request.form.get("opinion", "").strip()
                if len(opinion) > commands.OPINION_LIMIT:
                    # Stay on the page with what was typed, the field marked: nothing decided.
                    return self.detail(pk, opinion_error=__(
                        "审核意见最多%(limit)s个字，当前%(n)s个字，请精简后再提交",
                        limit=commands.OPINION_LIMIT, n=len(opinion))), 400
                commands.decide(declaration, g.user, self._results(declaration), opinion)
            else:
                abort(404)
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "danger")
        else:
            flash(__("操作成功"), "success")
        return redirect(url_for("ReviewView.detail", pk=pk))

    def _load(self, pk):
        try:
            return commands.load(pk, g.user)
        except DomainError:
            abort(404)

    @staticmethod
    def _results(declaration) -> dict:
        """Each item is approved unless its box was unticked or its ID number is in the list of
        refused numbers (a batch may be partly approved)."""
        approved = set(request.form.getlist("approve"))
        # A big batch shows only its first rows: those never shown keep the default (approved)
        # unless their number is listed.
        shown = set(request.form.getlist("shown")) or {str(i.id) for i in declaration.items}
        if not declaration.items:
            return {0: request.form.get("verdict", "approve") == "approve"}
        if request.form.get("verdict") == "reject":
            return {item.id: False for item in declaration.items}
        refused = _refused_by_number(declaration, request.form.get("reject_numbers", ""))
        return {item.id: item.id not in refused
                and (str(item.id) in approved or str(item.id) not in shown)
                for item in declaration.items}

    @staticmethod
    def _items(declaration, business):
        """The first SHOWN_ITEMS items, each with its payload as (label, value) pairs, codes
        shown by name; only those are read (a batch may hold 100,000)."""
        if business is None:
            return []
        choices = load_choices()
        shown = db.session.scalars(
            select(DeclarationItem).where(DeclarationItem.declaration_id == declaration.id)
            .order_by(DeclarationItem.seq).limit(SHOWN_ITEMS)).all()
        return [(item, shown_facts(business, item.payload, choices)) for item in shown]


def _refused_by_number(declaration, text: str) -> set[int]:
    """The items whose ID numbers the reviewer listed; a listed number that is no ID number or
    not in this declaration refuses the whole decision, so no one is approved by a typo."""
    numbers, malformed = id_number.numbers_in(text)
    items = {}
    for item in declaration.items:
        items.setdefault(item.id_number, []).append(item.id)
    absent = [n for n in numbers if n not in items]
    if malformed or absent:
        listed = "、".join((malformed + absent)[:10])
        more = "等" if len(malformed) + len(absent) > 10 else ""
        raise Invalid(f"不通过人员名单中有{len(malformed) + len(absent)}个号码不是本申报的"
                      f"社会保障号码：{listed}{more}。请核对后重新提交，本次未作任何审核。")
    return {item_id for n in numbers for item_id in items[n]}


def _import_report(declaration) -> list[tuple[str, object]]:
    """A batch's import, labelled: the file, when, rows read, imported and failed (the
    report's storage key of the error workbook is the system's, not the reviewer's)."""
    report = (declaration.payload or {}).get("import") if declaration.batch else None
    if not report:
        return []
    return [("导入文件", shown_source(report.get("filename", ""))),
            ("导入时间", str(report.get("at", "")).replace("T", " ")[:16]),
            ("文件行数", report.get("rows", "")), ("导入成功", report.get("good", "")),
            ("导入失败", report.get("bad", ""))]


def _phone_change(declaration) -> dict | None:
    """An undecided change of the 专管员 phone, for the reviewer: where SMS codes will go."""
    return phone_change.masked(declaration) if declaration.status in QUEUE_STATES else None
