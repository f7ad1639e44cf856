"""待办任务 / 已办任务 (B2) and the lists behind the home counters (B1), for one unit."""
from flask import abort, g, request
from flask_appbuilder import BaseView, expose, has_access

from app.declarations.counters import COUNTERS, listing
from app.roles import EMPLOYER
from rules import workflow
from rules.business import BUSINESSES

TITLES = {"todo": "待办任务", "done": "已办任务", **{k: label for k, label, _ in COUNTERS}}


class TasksView(BaseView):
    route_base = "/tasks"
    default_view = "tasks"
    class_permission_name = "Tasks"
    method_permission_name = {"tasks": "read"}
    role_access = {EMPLOYER: {"can_read"}}

    @expose("/")
    @has_access
    def tasks(self):
        if g.user.unit_id is None:
            abort(403)
        which = request.args.get("which", "todo")
        if which not in TITLES:
            which = "todo"
        return self.render_template(
            "declaration/tasks.html", which=which, title=TITLES[which], titles=TITLES,
            rows=listing(g.user.unit_id, which), businesses=BUSINESSES,
            status_names=workflow.STATUS_NAMES)
