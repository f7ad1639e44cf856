"""Large Excel imports run as background jobs (H6), so the page shows progress instead of
holding a request for the whole file. Each runs in a process of its own with a memory limit
(JOB_MEMORY_LIMIT_MB): a file that would need more fails its job, never the web server."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.batch.importer import import_file
from app.extensions import db
from app.jobs import job
from app.storage import storage
from models.declaration import Declaration
from models.user import ShebaoUser


@job("batch_import", title=_l("批量导入"), isolated=True, memory_limited=True)
def batch_import(ctx, unit_id, business_code, user_id, file_key, filename,
                 declaration_id=None, locale=""):
    user = db.session.get(ShebaoUser, user_id)
    declaration = db.session.get(Declaration, declaration_id) if declaration_id else None

    def progress(done, total):
        if db.session.get_bind().dialect.name == "sqlite":
            # End the read transaction: SQLite lets the progress write through. (On PostgreSQL
            # the import has begun writing its items in its one transaction by now, and the
            # progress row is written on a connection of its own without waiting for it.)
            db.session.commit()
        ctx.progress(done, total, f"已校验{done}/{total}行")

    # The error workbook's reasons in the uploader's language, as an import in the request writes
    with force_locale(locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
        result = import_file(unit_id, business_code, user, storage().get(file_key), filename,
                             declaration, progress=progress)
    return {"declaration_id": result.declaration.id if result.declaration else None,
            "report_key": result.report_key, "good": result.good, "bad": result.bad}
