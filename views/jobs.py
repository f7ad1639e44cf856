"""Progress of a background job (H6): the page with its progress bar, the status the page polls,
and the finished job's result file. An employer sees its own unit's jobs only (404 otherwise);
the center roles see every job."""
import mimetypes

from flask import abort, jsonify, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.utils.base import is_safe_redirect_url
from flask_babel import gettext as _

from app import jobs
from app.roles import EMPLOYER, REVIEWER
from app.storage import storage
from views.file_response import file_response
from views.message_i18n import json_message
from views.tenancy import tenant_unit_id


class JobView(BaseView):
    route_base = "/jobs"
    default_view = "page"
    class_permission_name = "Jobs"
    method_permission_name = {"page": "read", "status": "read", "result": "read"}
    role_access = {EMPLOYER: {"can_read"}, REVIEWER: {"can_read"}}

    @expose("/<string:job_id>/")
    @has_access
    def page(self, job_id):
        row = self._load(job_id)
        kind = jobs.KINDS.get(row.kind)
        return self.render_template(
            "jobs/progress.html", job=row, title=_(str(kind.title)) if kind else _("后台任务"),
            status_name=str(jobs.STATUS_NAMES[row.status]), percent=jobs.percent(row),
            finished=row.status in jobs.FINISHED, next_url=_next_url(),
            result_url=self._result_url(row))

    @expose("/<string:job_id>.json")
    @has_access
    def status(self, job_id):
        row = self._load(job_id)
        response = jsonify(
            id=row.id, kind=row.kind, status=row.status,
            status_name=str(jobs.STATUS_NAMES[row.status]), finished=row.status in jobs.FINISHED,
            done=row.done, total=row.total, percent=jobs.percent(row),
            message=json_message(row.message) if row.message else row.message,
            result=row.result if row.status == jobs.DONE else None,
            result_url=self._result_url(row))
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<string:job_id>/result")
    @has_access
    def result(self, job_id):
        row = self._load(job_id)
        parts = jobs.result_file_parts(row) if row.status == jobs.DONE else None
        if parts is None:
            abort(404)
        key, filename = parts
        try:
            data = storage().get(key)
        except (FileNotFoundError, ValueError):
            abort(404)
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return file_response(data, content_type, filename, inline=False)

    @staticmethod
    def _load(job_id):
        row = jobs.get(job_id) if len(job_id) <= 36 else None
        if row is None:
            abort(404)
        unit_id = tenant_unit_id()
        if unit_id is not None and row.unit_id != unit_id:
            abort(404)  # another unit's job, or a center job: as if it did not exist
        return row

    @staticmethod
    def _result_url(row):
        if row.status != jobs.DONE or jobs.result_file_parts(row) is None:
            return None
        return url_for("JobView.result", job_id=row.id)


def _next_url() -> str:
    """Where the page goes when the job is done: a local path only (never another site)."""
    target = request.args.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")) \
            and is_safe_redirect_url(target):
        return target
    return ""
