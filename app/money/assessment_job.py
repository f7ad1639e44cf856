"""The monthly assessment as a background job (H6) with progress per 险种, and its audit event:
who ran it, the month, the unit, and per 险种 the rows inserted, updated and deleted.

Each 险种 is committed on its own before its progress is reported (app/jobs.py: on SQLite a
second connection cannot write while this session holds writes), then the unit totals with the
audit row. A run that stops half-way is made whole by running it again:
the assessment is re-runnable."""
from flask_babel import lazy_gettext as _l

from app import audit
from app.extensions import db
from app.jobs import job
from app.money import assessment
from models.user import ShebaoUser
from rules.months import month_label
from rules.rates import INSURANCE_TYPES

KIND = "assessment"
AUDIT_ACTION = "assessment_run"


@job(KIND, title=_l("月度核定"))
def run(ctx, month, unit_id=None):
    steps = len(assessment.ASSESSED) + 1
    label = month_label(month)
    ctx.progress(0, steps, f"正在核定{label}", force=True)
    done = [0]

    def step(code, counts):
        db.session.commit()
        done[0] += 1
        name = INSURANCE_TYPES[code]
        message = (f"已核定{name}：新增{counts.inserted}条，更新{counts.updated}条，"
                   f"删除{counts.deleted}条")
        ctx.progress(done[0], steps, message, force=True)

    outcome = assessment.assess(month, unit_id, step=step)
    result = outcome.as_dict()
    user = db.session.get(ShebaoUser, ctx.user_id) if ctx.user_id else None
    audit.record(AUDIT_ACTION, target_type="month", target_id=month, user=user,
                 detail={**result, "unit_id": unit_id, "job_id": ctx.job_id})
    db.session.commit()  # the unit totals and the audit row, before the last report
    ctx.progress(steps, steps, f"{label}核定完成")
    return result
