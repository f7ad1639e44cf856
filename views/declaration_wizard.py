"""The declaration wizard (C1–C10 and every later business): 录入 → 上传材料 → 核对 → 提交 →
等待审核 → 结果 → 打印 → 设为已读. One view class per business, made from the registry by
``wizard_for``; the state lives in the draft Declaration row, so a user can leave and resume."""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as __
from sqlalchemy import select

from app.declarations import commands, cost, materials, person_access, phone_change, revocable
from app.declarations.cost_summary import summary
from app.declarations.choices import load_choices
from app.declarations.shown import EVENT_NAMES, shown_facts
from app.errors import DomainError
from app.extensions import db
from views.file_response import material_response
from app.roles import EMPLOYER
from models.person import Enrollment, Person
from models.reference import Insurance
from models.unit import Unit, UnitInsurance
from rules import workflow
from rules.business import BUSINESSES, Business
from views.batch_steps import BATCH_PERMISSIONS, BatchSteps
from views.declaration_confirm import QUESTIONS, confirmation_page, submitted_message
from views.declaration_forms import fill, form_for, payload_of
from views.declaration_print import print_response, printable
from views.notice_steps import NOTICE_PERMISSIONS, NOTICES, NoticeSteps
from views.phone_change_steps import PHONE_PERMISSIONS, PhoneChangeSteps
from views.reduced_person_steps import REDUCED, ReducedPersonSteps
from views.roster_steps import ROSTER_PERMISSIONS, RosterSteps, shown_source
from views.wage_totals_steps import WageTotalsSteps

STAFF_DROPDOWN_LIMIT = 1000
STAFF_CATEGORY = {"staff": "active", "retired": "retired"}
PERMISSIONS = {"can_new", "can_edit", "can_materials", "can_check", "can_act", "can_status",
               "can_print", "can_batch"}


class DeclarationWizard(BatchSteps, RosterSteps, PhoneChangeSteps, NoticeSteps,
                        ReducedPersonSteps, WageTotalsSteps, BaseView):
    """Steps shared by every business; ``business`` is set by ``wizard_for``."""

    business: Business = None
    default_view = "new"
    role_access = {EMPLOYER: PERMISSIONS}
    method_permission_name = {"new": "new", "edit": "edit", "materials": "materials",
                              "material_file": "materials",
                              "material_delete": "materials", "check": "check", "act": "act",
                              "status": "status", "print_pdf": "print", **BATCH_PERMISSIONS,
                              **ROSTER_PERMISSIONS, **PHONE_PERMISSIONS, **NOTICE_PERMISSIONS}

    @expose("/new/", methods=["GET", "POST"])
    @has_access
    def new(self):
        form = self._form()
        if request.method == "GET":
            self._prefill(form)
        elif form.validate_on_submit():
            try:
                declaration = commands.create(self._unit().id, self.business.code, g.user,
                                              payload_of(form, self.business))
            except DomainError as refused:
                return self._entry(form, refused)
            return redirect(self._url("materials", declaration))
        return self._entry(form)

    @expose("/<int:pk>/edit/", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        declaration = self._load(pk)
        if declaration.batch and self.business.roster:  # the page of every person again
            return redirect(self._url("roster_edit", declaration))
        if declaration.batch:  # a batch is changed by re-import and dropping rows
            return redirect(self._url("batch_result", declaration))
        form = self._form(declaration)
        if request.method == "GET":
            fill(form, self.business, self._payload(declaration))
        elif form.validate_on_submit():
            try:
                commands.update(declaration, g.user, payload_of(form, self.business))
            except DomainError as refused:
                db.session.rollback()
                return self._entry(form, refused, declaration)
            return redirect(self._url("check", declaration))
        return self._entry(form, declaration=declaration)

    @expose("/<int:pk>/materials/", methods=["GET", "POST"])
    @has_access
    def materials(self, pk):
        declaration = self._load(pk)
        if request.method == "POST":
            upload = request.files.get("file")
            try:
                if upload is None or not upload.filename:
                    raise DomainError(__("请选择要上传的文件"))
                form = request.form
                materials.upload(declaration, g.user, form.get("material_type", ""),
                                 upload.filename, upload.read(), pages=form.get("pages"),
                                 remark=form.get("remark"), replaces=form.get("replaces"))
                flash(__("材料已上传"), "success")
            except DomainError as refused:
                db.session.rollback()
                flash(refused.message, "danger")
            return redirect(self._url("materials", declaration))
        return self.render_template("declaration/materials.html", d=declaration,
                                    business=self.business,
                                    checklist=materials.checklist(declaration),
                                    wizard=self)

    @expose("/<int:pk>/materials/<int:material_id>")
    @has_access
    def material_file(self, pk, material_id):
        return material_response(self._load(pk), material_id)

    @expose("/<int:pk>/materials/<int:material_id>/delete/", methods=["POST"])
    @has_access
    def material_delete(self, pk, material_id):
        """删除 one file of a type that may hold several; the others stay."""
        declaration = self._load(pk)
        try:
            materials.remove(declaration, g.user, material_id)
            flash(__("材料已删除"), "success")
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "danger")
        return redirect(self._url("materials", declaration))

    @expose("/<int:pk>/check/")
    @has_access
    def check(self, pk):
        declaration = self._load(pk)
        return self.render_template(
            "declaration/check.html", d=declaration, business=self.business, wizard=self,
            rows=self._rows(declaration), preview=self._cost(declaration),
            missing=commands.missing_materials(declaration),
            checklist=materials.checklist(declaration),
            phone=self._phone_step(declaration), summary=summary(declaration),
            questions=QUESTIONS)

    @expose("/<int:pk>/act/<action>/", methods=["GET", "POST"])
    @has_access
    def act(self, pk, action):
        """POST acts; GET asks first (the page a button without script leads to)."""
        declaration = self._load(pk)
        command = {"submit": commands.submit, "void": commands.void,
                   "reopen": commands.reopen, "read": commands.mark_read}.get(action)
        if command is None:
            abort(404)
        if request.method == "GET":
            return confirmation_page(self, declaration, action)
        try:
            command(declaration, g.user)
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "danger")
            return redirect(self._url("check" if declaration.status == workflow.DRAFT
                                      else "status", declaration))
        if action == "reopen":
            return redirect(self._url("edit", declaration))
        if action == "submit":
            flash(*submitted_message(declaration))
        else:
            flash({"void": __("申报已作废"), "read": __("已设为已读")}[action], "success")
        return redirect(self._url("status", declaration))

    @expose("/<int:pk>/")
    @has_access
    def status(self, pk):
        declaration = self._load(pk)
        return self.render_template(
            "declaration/status.html", d=declaration, business=self.business, wizard=self,
            rows=self._rows(declaration), summary=summary(declaration),
            can_print=printable(declaration),
            can_read=workflow.can_mark_read(declaration.status) and not declaration.read,
            status_names=workflow.STATUS_NAMES, item_names=workflow.ITEM_STATUS_NAMES,
            event_names=EVENT_NAMES, questions=QUESTIONS)

    @expose("/<int:pk>/print.pdf")
    @has_access
    def print_pdf(self, pk):
        declaration = self._load(pk)
        # Not printable yet: still 404 (there is no form to fetch), but a page saying when it
        # prints, with the way back, instead of a bare error.
        return print_response(declaration, not_yet=lambda reason: (self.render_template(
            "declaration/print_later.html", d=declaration, business=self.business,
            reason=reason, back=self._url("status", declaration)), 404))

    # -- helpers -------------------------------------------------------------------------

    def _unit(self) -> Unit:
        unit = g.user.unit
        if unit is None:
            abort(403)
        return unit

    def _load(self, pk):
        try:
            declaration = commands.load(pk, g.user, unit_id=self._unit().id)
        except DomainError:
            abort(404)
        if declaration.business_code != self.business.code:
            abort(404)
        return declaration

    def _url(self, step, declaration):
        return url_for(f"{type(self).__name__}.{step}", pk=declaration.id)

    def _form(self, declaration=None):
        names = self._linked_insurances()
        source = self.business.person_source
        staff = self._staff() if source in STAFF_CATEGORY else None
        picks = {name: pick(self._unit().id, getattr(declaration, "id", None))
                 for name, pick in PICKS.get(self.business.code, {}).items()}
        labels = staff and {number: label for number, (_name, label) in staff.items()}
        names_of = staff and {number: name for number, (name, _label) in staff.items()}
        if source == REDUCED and self.reduced_picker() is not None:
            labels = self.reduced_choices()
            names_of = {p["id_number"]: p["name"] for p in self.reduced_picker()}
        return form_for(self.business, names, labels, picks, names_of)()

    def _linked_insurances(self) -> dict[str, str]:
        rows = db.session.execute(
            select(Insurance.code, Insurance.name)
            .join(UnitInsurance, UnitInsurance.insurance_id == Insurance.id)
            .where(UnitInsurance.unit_id == self._unit().id, UnitInsurance.linked.is_(True),
                   Insurance.code.in_(self.business.insurance_scope))
            .order_by(Insurance.code)).all()
        return dict(rows)

    def _staff(self):
        category = STAFF_CATEGORY[self.business.person_source]
        query = (select(Person.id_number, Person.name).distinct()
                 .join(Enrollment, Enrollment.person_id == Person.id)
                 .where(Enrollment.unit_id == self._unit().id, Enrollment.end_month.is_(None),
                        Enrollment.category == category)
                 .order_by(Person.name).limit(STAFF_DROPDOWN_LIMIT + 1))
        rows = db.session.execute(query).all()
        if len(rows) > STAFF_DROPDOWN_LIMIT:
            return None  # too many to list: the ID number is typed and checked instead
        return {number: (name, f"{name}（{number}）") for number, name in rows}

    def _prefill(self, form) -> None:
        if self.business.subject == "unit":
            unit = self._unit()
            fill(form, self.business, {f.name: getattr(unit, f.name, None)
                                       for f in self.business.fields})
            return
        number = (request.args.get("id_number") or "").strip().upper()
        # Only the unit's own people, present or past, fill the form (person_access).
        person = person_access.visible_person(self._unit().id, number)
        if person is not None:
            fill(form, self.business, {
                "id_number": person.id_number, "name": person.name, "gender": person.gender,
                "birth_date": person.birth_date.isoformat(), "phone": person.phone,
                "address": person.address, "hukou_place": person.hukou_place,
                "first_work_month": person.first_work_month,
                "retirement_category": person.retirement_category,
                "nation": person.nation.code if person.nation else None})
            flash(__("已找到该人员的参保信息（续保），请核对后继续"), "info")
        elif number:
            form.id_number.data = number
            if self.business.person_source == "new" and person_access.is_known(number):
                # 续保 of someone new to this unit: the number is confirmed, nothing else shown.
                flash(__("该社会保障号码已登记（续保），请填写该人员的信息后继续"), "info")

    @staticmethod
    def _phone_step(declaration):
        """For the 核对 page: the masked old and new phone of an unconfirmed phone change."""
        if declaration.status != workflow.DRAFT or not phone_change.pending(declaration):
            return None
        return phone_change.masked(declaration)

    def _payload(self, declaration) -> dict:
        if self.business.subject == "unit":
            return declaration.payload or {}
        return declaration.items[0].payload if declaration.items else {}

    def _rows(self, declaration):
        """(label, value) pairs of what was declared, in the registry's field order; a batch
        shows its size and file instead (its persons are on the batch page)."""
        if declaration.batch:
            report = (declaration.payload or {}).get("import", {})
            return [("申报人数", declaration.item_count),
                    ("导入文件", shown_source(report.get("filename", "")))]
        return shown_facts(self.business, self._payload(declaration), load_choices())

    def _cost(self, declaration):
        if declaration.batch:
            return None
        payload = self._payload(declaration)
        if not payload.get("wage") or not payload.get("insurances"):
            return None
        return cost.cost_for(self._unit(), payload["insurances"].split(","), payload["wage"],
                             int(payload.get("start_month") or 0))

    def _entry(self, form, refused=None, declaration=None):
        errors = getattr(refused, "errors", {}) if refused else {}
        if refused is not None and not errors:
            flash(refused.message, "danger")
        return self.render_template("declaration/entry.html", form=form, errors=errors,
                                    business=self.business, d=declaration, wizard=self)


# Fields whose possible values the wizard offers to pick from, per business:
# field name → (unit id, the declaration being edited or None) → [(value, label)].
PICKS = {"C4": {"serial_no": revocable.choices}}


def wizard_for(business: Business) -> type:
    """The wizard view of one business: its own URL, permission name and menu entry."""
    return type(f"Declare{business.code}View", (DeclarationWizard,), {
        "business": business,
        "route_base": f"/declare/{business.code.lower()}",
        "class_permission_name": f"Declare{business.code}",
        # A business with a 注意事项 opens on it (views/notice_steps.py), one with a roster on
        # its page of every person (views/roster_steps.py).
        "default_view": "notice" if business.code in NOTICES
        else "roster" if business.roster else "new",
    })


WIZARDS = [wizard_for(b) for b in BUSINESSES.values()]
