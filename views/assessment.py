"""月度核定 (D2, G5): the back office runs the monthly assessment for the whole city or one unit
as a background job, and sees the last runs with what each changed. Center roles only (the
employer has no permission on the view: 403, no menu)."""
from datetime import date

from flask import g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, jobs
from app.errors import Invalid
from app.extensions import db
from app.money import assessment
from app.money.assessment_job import AUDIT_ACTION, KIND
from app.roles import REVIEWER
from models.job import Job
from models.unit import Unit
from rules.months import month_label, to_month
from rules.rates import INSURANCE_TYPES
from views.message_i18n import translate

RECENT = 10


class AssessmentView(BaseView):
    route_base = "/assessment"
    default_view = "page"
    class_permission_name = "Assessment"
    method_permission_name = {"page": "read", "run": "run"}
    role_access = {REVIEWER: {"can_read", "can_run"}}
    list_title = _l("月度核定")

    @expose("/")
    @has_access
    def page(self, error=None, status=200):
        runs = db.session.scalars(select(Job).where(Job.kind == KIND)
                                  .order_by(Job.created_at.desc()).limit(RECENT)).all()
        unit_ids = {(r.params or {}).get("unit_id") for r in runs} - {None}
        units = dict(db.session.execute(select(Unit.id, Unit.unit_no)
                                        .where(Unit.id.in_(unit_ids))).all()) if unit_ids else {}
        return self.render_template(
            "money/assessment.html", runs=runs, units=units, error=error,
            month=request.form.get("month", month_label(to_month(date.today()))),
            unit_no=request.form.get("unit_no", ""), insurance_names=INSURANCE_TYPES,
            status_names=jobs.STATUS_NAMES, month_label=month_label), status

    @expose("/run", methods=["POST"])
    @has_access
    def run(self):
        raw_month, raw_unit = request.form.get("month"), request.form.get("unit_no")
        try:
            month = assessment.parse_month(raw_month)
            unit = assessment.unit_of(raw_unit)
            assessment.rates_of(month)  # a month without rates is refused here, not in the job
        except Invalid as refusal:
            audit.record_now(AUDIT_ACTION, success=False, target_type="month",
                             detail={"month": str(raw_month or "")[:20],
                                     "unit_no": str(raw_unit or "")[:20],
                                     "reason": refusal.message})
            return self.page(error=translate(refusal.message), status=422)
        row = jobs.submit(KIND, {"month": month, "unit_id": unit.id if unit else None},
                          user_id=g.user.id)
        return redirect(url_for("JobView.page", job_id=row.id,
                                next=url_for("AssessmentView.page")))
