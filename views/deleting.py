"""Deleting a row through a FAB screen. When the database refuses the delete, FAB flashes the
text of its DatabaseException, which has none: the admin saw an empty alert and no reason. The
refusal is a row that other rows refer to (a 险种 with enrollments, an account with audit rows,
a role held by users), and the message now says so."""
from flask import abort, flash
from flask_appbuilder.exceptions import DatabaseException
from flask_babel import lazy_gettext as _

REFERENCED = _("该记录已被其他数据引用，不能删除；不再使用的，请改为停用。")


class ExplainedDelete:
    """For a FAB ModelView: its delete, with the database's refusal explained."""

    def _delete(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        try:
            self.pre_delete(item)
        except Exception as refused:  # FAB's contract: pre_delete refuses by raising, with a reason
            flash(str(refused), "danger")
        else:
            try:
                self.datamodel.delete(item)
            except DatabaseException:  # rolled back by the datamodel
                flash(str(REFERENCED), "danger")
            else:
                self.post_delete(item)
                flash(self.delete_row_message, "success")
        # Whatever the outcome: FAB's redirect drops the last page of the history as the
        # current one; without this entry a refused delete went back past the list.
        self.update_redirect()
