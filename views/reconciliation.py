"""银行对账 (D4), a back-office page for the center (reviewer, admin): compare the bank's daily
statement with the ledger and list every mismatch, each run kept; start the query of payments
still 支付中 (their notification may never come) as a background job."""
from datetime import date, timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, jobs
from app.extensions import db
from app.money.reconciliation import reconcile
from app.roles import REVIEWER
from models.reconciliation import ReconciliationRun
from views.labels import code_label

TITLE = _l("银行对账")
SHOWN_RUNS = 30


class ReconciliationView(BaseView):
    route_base = "/reconciliation"
    default_view = "runs"
    class_permission_name = "Reconciliation"
    method_permission_name = {"runs": "read", "run_day": "run", "show": "read", "query": "run"}
    role_access = {REVIEWER: {"can_read", "can_run"}}
    list_title = TITLE

    @expose("/")
    @has_access
    def runs(self):
        rows = db.session.execute(select(ReconciliationRun).order_by(
            ReconciliationRun.run_at.desc(), ReconciliationRun.id.desc())
            .limit(SHOWN_RUNS)).scalars().all()
        return self.render_template("payment/reconciliation.html", title=TITLE, runs=rows,
                                    yesterday=date.today() - timedelta(days=1))

    @expose("/run", methods=["POST"])
    @has_access
    def run_day(self):
        text = (request.form.get("day") or "").strip()[:20]
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return self._refused(text, _l("对账日期格式不正确，应为YYYY-MM-DD"))
        if day >= date.today():
            return self._refused(text, _l("只能对今天以前的日期对账（当日对账单次日生成）"))
        run = reconcile(day, g.user)
        if run.mismatch_count:
            flash(_("对账完成：%(n)s笔不一致，请核查", n=run.mismatch_count), "warning")
        else:
            flash(_("对账完成：银行对账单与本系统记录一致"), "success")
        return redirect(url_for("ReconciliationView.show", run_id=run.id))

    @expose("/<int:run_id>")
    @has_access
    def show(self, run_id):
        run = db.session.get(ReconciliationRun, run_id)
        if run is None:
            abort(404)
        return self.render_template(
            "payment/reconciliation_run.html", title=TITLE, run=run,
            kind_name=lambda kind: code_label("reconciliation_mismatch.kind", kind),
            channel_name=code_label("payment.channel", run.channel))

    @expose("/query", methods=["POST"])
    @has_access
    def query(self):
        row = jobs.submit_once("payment_query", {}, user_id=g.user.id)
        return redirect(url_for("JobView.page", job_id=row.id,
                                next=url_for("ReconciliationView.runs")))

    @staticmethod
    def _refused(text, message):
        with force_locale("zh"):
            reason = str(message)  # the audit log keeps the Chinese
        audit.record_now("payment_reconcile", target_type="reconciliation_run", success=False,
                         detail={"day": text, "reason": reason})
        flash(str(message), "danger")
        return redirect(url_for("ReconciliationView.runs"))
