"""The batch (报盘) steps of a wizard: template download, upload, the result with good and bad
rows, re-import, dropping rows, and the 导入失败/审核失败人员列表 workbooks. Mixed into
DeclarationWizard; every route answers 404 for a business the registry marks not batch."""
import json
from datetime import datetime

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import get_locale
from flask_babel import gettext as __
from sqlalchemy import delete, select

from app import audit
from app.batch.importer import import_file
from app.batch.staff_rows import exported_fields, staff_rows
from app.batch.workbook import unzipped_size
from app.declarations.choices import load_choices
from app.errors import DomainError
from app.extensions import db
from app.storage import check_key, storage
from models.declaration import DeclarationEvent, DeclarationItem
from rules import workflow
from views.file_response import file_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ITEMS = 500
BATCH_PERMISSIONS = {"batch": "batch", "template": "batch", "batch_result": "batch",
                     "drop": "batch", "errors_file": "batch", "failures_file": "batch",
                     "batch_job": "batch", "batch_report": "batch", "report_errors": "batch"}
# Files above either size (a few thousand rows) are imported by a background job with progress,
# in a process of its own with a memory limit: the inflated size counts too, since a file of
# one repeated row compresses a hundred thousand rows into 256 KB.
BACKGROUND_BYTES = 256 * 1024
BACKGROUND_UNZIPPED = 4 * 1024 * 1024


class BatchSteps:
    @expose("/batch/", methods=["GET", "POST"])
    @has_access
    def batch(self):
        self._batch_only()
        if request.method == "POST":
            return self._import(None)
        names = {f.name for f in self.business.fields}
        return self.render_template("declaration/batch_upload.html", business=self.business,
                                    wizard=self, last_wages="declared_wage" in names,
                                    with_data=exported_fields(self.business) is not None)

    @expose("/template.xlsx")
    @has_access
    def template(self):
        from reports.excel_template import template_workbook

        self._batch_only()
        rows = None
        if request.args.get("data"):
            rows = staff_rows(self.business, self._unit().id,
                              last_wages=bool(request.args.get("last")))
        data = template_workbook(self.business, load_choices(), rows)
        suffix = "（含数据）" if rows is not None else ""
        return file_response(data, XLSX, f"{self.business.name}模板{suffix}.xlsx", inline=False)

    @expose("/<int:pk>/batch/", methods=["GET", "POST"])
    @has_access
    def batch_result(self, pk):
        self._batch_only()
        declaration = self._load(pk)
        if request.method == "POST":
            return self._import(declaration)
        items = db.session.scalars(
            select(DeclarationItem).where(DeclarationItem.declaration_id == declaration.id)
            .order_by(DeclarationItem.seq).limit(SHOWN_ITEMS)).all()
        report = (declaration.payload or {}).get("import", {})
        return self.render_template("declaration/batch_result.html", d=declaration,
                                    business=self.business, wizard=self, items=items,
                                    report=report, shown=SHOWN_ITEMS,
                                    item_names=workflow.ITEM_STATUS_NAMES)

    @expose("/<int:pk>/drop/", methods=["POST"])
    @has_access
    def drop(self, pk):
        self._batch_only()
        declaration = self._load(pk)
        if declaration.status != workflow.DRAFT:
            flash(__("只有未提交的批量申报可以删除人员"), "danger")
            return redirect(self._url("batch_result", declaration))
        ids = [int(i) for i in request.form.getlist("item") if i.isdigit()]
        if ids:
            removed = db.session.execute(
                delete(DeclarationItem).where(DeclarationItem.declaration_id == declaration.id,
                                              DeclarationItem.id.in_(ids))).rowcount
            if not removed:  # none of them is this batch's
                return redirect(self._url("batch_result", declaration))
            declaration.item_count = max(declaration.item_count - removed, 0)
            _count_dropped(declaration, removed)
            db.session.add(DeclarationEvent(
                declaration=declaration, action="drop", from_status=workflow.DRAFT,
                to_status=workflow.DRAFT, actor_id=g.user.id, actor_name=g.user.username,
                message=f"删除{removed}人，现有{declaration.item_count}人",
                ip=audit.client_ip(), at=datetime.now()))
            audit.record("batch_drop", target_type="declaration",
                         target_id=declaration.serial_no,
                         detail={"dropped": removed, "left": declaration.item_count})
            db.session.commit()
            flash(__("已删除%(n)s人", n=removed), "success")
        return redirect(self._url("batch_result", declaration))

    @expose("/batch/report/<string:key>/")
    @has_access
    def batch_report(self, key):
        """The result of an upload that made no draft (no good row): summary and errors."""
        self._batch_only()
        return self.render_template("declaration/batch_report.html", business=self.business,
                                    wizard=self, report=self._stored_report(key), key=key)

    @expose("/batch/report/<string:key>/errors.xlsx")
    @has_access
    def report_errors(self, key):
        self._batch_only()
        file_key = self._stored_report(key).get("error_file")
        if not file_key:
            abort(404)
        return file_response(storage().get(file_key), XLSX, "导入失败人员列表.xlsx", inline=False)

    def _stored_report(self, key) -> dict:
        """The report of this unit's upload under ``key``; 404 for any other."""
        try:
            report = json.loads(storage().get(check_key(key)))
        except (ValueError, OSError):
            abort(404)
        if not isinstance(report, dict) or report.get("unit_id") != self._unit().id \
                or report.get("business") != self.business.code:
            abort(404)
        return report

    @expose("/<int:pk>/errors.xlsx")
    @has_access
    def errors_file(self, pk):
        self._batch_only()
        declaration = self._load(pk)
        key = ((declaration.payload or {}).get("import") or {}).get("error_file")
        if not key:
            abort(404)
        return file_response(storage().get(key), XLSX, f"导入失败人员列表_{declaration.serial_no}.xlsx",
                             inline=False)

    @expose("/<int:pk>/failures.xlsx")
    @has_access
    def failures_file(self, pk):
        from reports.excel_errors import review_failures_workbook

        declaration = self._load(pk)
        rows = [{"id_number": i.id_number, "name": i.name, "opinion": i.result_message or ""}
                for i in declaration.items if i.status == "rejected"]
        return file_response(review_failures_workbook(rows), XLSX,
                             f"审核失败人员列表_{declaration.serial_no}.xlsx", inline=False)

    @expose("/batch/job/<string:job_id>/")
    @has_access
    def batch_job(self, job_id):
        """Where a background import's progress page goes when the job ends."""
        from app import jobs

        row = jobs.get(job_id)
        if row is None or row.unit_id != self._unit().id or row.kind != "batch_import":
            abort(404)
        if row.status == "done":
            if not row.result.get("declaration_id"):
                return redirect(url_for(f"{type(self).__name__}.batch_report",
                                        key=row.result["report_key"]))
            return redirect(url_for(f"{type(self).__name__}.batch_result",
                                    pk=row.result["declaration_id"]))
        if row.status == "failed":
            flash(row.message or __("导入失败"), "danger")
            return redirect(url_for(f"{type(self).__name__}.batch"))
        return redirect(url_for("JobView.page", job_id=row.id, next=request.path))

    def _import(self, declaration):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(__("请选择要上传的Excel文件"), "danger")
            return redirect(request.url)
        data = upload.read()
        if len(data) > BACKGROUND_BYTES or unzipped_size(data) > BACKGROUND_UNZIPPED:
            return self._import_in_background(data, upload.filename, declaration)
        try:
            result = import_file(self._unit().id, self.business.code, g.user, data,
                                 upload.filename, declaration)
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "danger")
            return redirect(request.url)
        report = result.report
        if report.get("skipped") or report.get("hidden"):
            flash(__("导入完成：成功%(good)s人，跳过%(skipped)s行，失败%(bad)s人", good=result.good,
                     skipped=report.get("skipped", 0) + report.get("hidden", 0), bad=result.bad),
                  "success" if not result.bad else "warning")
        else:
            flash(__("导入完成：成功%(good)s人，失败%(bad)s人", good=result.good, bad=result.bad),
                  "success" if not result.bad else "warning")
        if result.declaration is None:
            return redirect(url_for(f"{type(self).__name__}.batch_report",
                                    key=result.report_key))
        return redirect(self._url("batch_result", result.declaration))

    def _import_in_background(self, data, filename, declaration):
        from app import jobs

        row = jobs.submit("batch_import", {
            "unit_id": self._unit().id, "business_code": self.business.code,
            "user_id": g.user.id, "file_key": storage().put(data), "filename": filename,
            "declaration_id": declaration.id if declaration is not None else None,
            "locale": str(get_locale() or ""),
        }, unit_id=self._unit().id, user_id=g.user.id)
        done = url_for(f"{type(self).__name__}.batch_job", job_id=row.id)
        return redirect(url_for("JobView.page", job_id=row.id, next=done))

    def _batch_only(self):
        if not self.business.batch:
            abort(404)


def _count_dropped(declaration, removed: int) -> None:
    """The import report counts what the draft holds now (导入成功 after rows were dropped), and
    the declaration's 险种 are those of the persons left (the lists filter by them)."""
    texts = db.session.scalars(
        select(DeclarationItem.payload["insurances"].as_string())
        .where(DeclarationItem.declaration_id == declaration.id).distinct())
    declaration.insurance_codes = ",".join(sorted({code for text in texts if text
                                                   for code in text.split(",")})) or None
    payload = dict(declaration.payload or {})
    report = dict(payload.get("import") or {})
    if report:
        report["good"] = declaration.item_count
        report["dropped"] = report.get("dropped", 0) + removed
        payload["import"] = report
        declaration.payload = payload
