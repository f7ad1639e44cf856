"""录入 on one page for businesses the registry marks ``roster`` (C14 医疗账户补助金): the unit's
people listed with an input per row for each declared field, and 批设置 — the values typed
once, set on every ticked row — then each row adjusted by hand; 下一步 stages the declared
rows as the items of a batch draft through app/batch/importer.stage_rows, judged as a file's
rows are (all or nothing: a bad row is shown with its reason and nothing is saved). Mixed into
DeclarationWizard; every route answers 404 for a business without a roster.

The rows are the server's list of the unit's people (app/batch/staff_rows.staff_of): a posted
value for anyone else is never read, and names come from the registry, not the form.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as __

from app.batch.importer import PAGE_SOURCE, RowErrors, stage_rows
from app.batch.staff_rows import staff_of
from app.declarations import roster_totals
from app.errors import DomainError
from app.extensions import db
from models.person import Person
from rules import workflow
from rules.months import month_label, to_month

# People on one page; a bigger unit declares by 报盘 (Excel), as the manual has it. Each person
# posts three form parts (month, amount, tick), and Werkzeug refuses more than MAX_FORM_PARTS
# (1000) with a 413 before any view runs.
ROSTER_LIMIT = 300
ROSTER_PERMISSIONS = {"roster": "new", "roster_edit": "edit"}
PERSON = ("id_number", "name")


class RosterSteps:
    @expose("/roster/", methods=["GET", "POST"])
    @has_access
    def roster(self):
        return self._roster(None)

    @expose("/<int:pk>/roster/", methods=["GET", "POST"])
    @has_access
    def roster_edit(self, pk):
        declaration = self._load(pk)
        if declaration.status != workflow.DRAFT:
            return redirect(self._url("status", declaration))
        return self._roster(declaration)

    def roster_totals(self, declaration) -> dict | None:
        """The 核对 list and Σ of the declaration's rows (app/declarations/roster_totals.py)."""
        return roster_totals.of(declaration)

    # -- the page ------------------------------------------------------------------------

    def roster_fields(self):
        """The fields typed per row: every field but the person's."""
        return [f for f in self.business.fields if f.name not in PERSON]

    def _roster(self, declaration):
        if not self.business.roster:
            abort(404)
        people = self._roster_people()
        if people is None:
            flash(__("本单位人员超过%(n)s人，请使用批量申报（Excel报盘）", n=ROSTER_LIMIT), "warning")
            return redirect(self._batch_url() if declaration is None
                            else self._url("batch_result", declaration))
        values = self._saved_values(declaration) if request.method == "GET" \
            else self._posted_values(people)
        errors, ticked = {}, set()
        if request.method == "POST":
            ticked = set(request.form.getlist("pick")) & {p["id_number"] for p in people}
            if request.form.get("action") == "batch_set":
                self._batch_set(values, ticked)
            else:
                staged = self._stage(people, values, declaration)
                if not isinstance(staged, dict):
                    return staged
                errors = staged
        return self.render_template(
            "declaration/roster.html", business=self.business, wizard=self, d=declaration,
            people=people, values=values, errors=errors, ticked=ticked,
            fields=self.roster_fields(), totals=self._totals(people, values),
            batch_url=self._batch_url())

    def _roster_people(self) -> list[dict] | None:
        rows = db.session.execute(staff_of(self.business, self._unit().id, Person.gender)
                                  .limit(ROSTER_LIMIT + 1)).all()
        if len(rows) > ROSTER_LIMIT:
            return None
        return [{"id_number": number, "name": name, "gender": gender}
                for _pid, number, name, gender in rows]

    def _defaults(self) -> dict:
        """What a new row holds: a month field this month (the manual's 申报年月)."""
        this_month = month_label(to_month(date.today()))
        return {f.name: this_month for f in self.roster_fields() if f.kind == "month"}

    def _saved_values(self, declaration) -> dict:
        """id number → field → text: the draft's items, or every row's defaults."""
        defaults, values = self._defaults(), {}
        if declaration is not None:
            for item in declaration.items:
                payload = item.payload or {}
                values[item.id_number] = {f.name: _shown(f, payload.get(f.name))
                                          for f in self.roster_fields()}
        return _DefaultRows(values, defaults)

    def _posted_values(self, people) -> dict:
        form, values = request.form, {}
        for person in people:
            number = person["id_number"]
            values[number] = {f.name: (form.get(f"{f.name}-{number}") or "").strip()[:40]
                              for f in self.roster_fields()}
        return values

    def _batch_set(self, values, ticked) -> None:
        """批设置: each value typed in the 批设置 box set on every ticked row."""
        setting = {f.name: (request.form.get(f"set-{f.name}") or "").strip()[:40]
                   for f in self.roster_fields()}
        setting = {name: value for name, value in setting.items() if value}
        if not ticked:
            flash(__("请先勾选要批设置的人员"), "warning")
        elif not setting:
            flash(__("请填写批设置的内容"), "warning")
        else:
            for number in ticked:
                values[number].update(setting)
            flash(__("已为%(n)s人批设置，可再逐人调整后保存", n=len(ticked)), "success")

    def _stage(self, people, values, declaration):
        """The declared rows staged, and the way on; or row errors by ID number (a dict)."""
        declared = [p for p in people if _declared(self.roster_fields(), values[p["id_number"]])]
        rows = [{"id_number": p["id_number"], "name": p["name"], **values[p["id_number"]]}
                for p in declared]
        try:
            result = stage_rows(self._unit().id, self.business.code, g.user, rows, declaration)
        except RowErrors as refused:
            flash(refused.message, "danger")
            return {declared[n - 1]["id_number"]: reason for n, reason in refused.rows.items()}
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "danger")
            return {}
        flash(__("已保存%(n)s人", n=result.good), "success")
        return redirect(self._url("materials", result.declaration))

    def _totals(self, people, values) -> dict:
        """Σ of each money field over the rows (what the page shows under its table)."""
        totals = {}
        for f in self.roster_fields():
            if f.kind != "money":
                continue
            total = Decimal("0.00")
            for person in people:
                try:
                    total += Decimal(str(values[person["id_number"]].get(f.name) or 0))
                except InvalidOperation:
                    continue
            totals[f.name] = f"{total:.2f}"
        return totals

    def _batch_url(self):
        return url_for(f"{type(self).__name__}.batch")


class _DefaultRows(dict):
    """The rows' values, a new row's defaults for anyone not yet in it."""

    def __init__(self, values, defaults):
        super().__init__(values)
        self.defaults = defaults

    def __missing__(self, number):
        self[number] = dict(self.defaults)
        return self[number]


def _declared(fields, values: dict) -> bool:
    """A row declares something when a money field holds an amount other than 0 (the page
    starts every row at nothing; 0 means "not this person"), or, without money fields, when
    any field is filled."""
    money = [f for f in fields if f.kind == "money"]
    if not money:
        return any(values.get(f.name) for f in fields)
    for f in money:
        text = values.get(f.name) or ""
        try:
            if text and Decimal(text.replace(",", "")) == 0:
                continue
        except InvalidOperation:
            return True  # not a number: declared, and the validator says what is wrong
        if text:
            return True
    return False


def shown_source(filename: str) -> str:
    """An import's file as pages show it: rows typed on the roster page say so in words."""
    return __(PAGE_SOURCE) if filename == PAGE_SOURCE else filename


def _shown(field, value) -> str:
    if value in (None, ""):
        return ""
    if field.kind == "month":
        return month_label(int(value))
    return str(value)

