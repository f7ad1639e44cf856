"""The printed form of a big declaration as a background job (H6): see views/declaration_print.py
for when. The PDF is stored as the job's result file; the job page offers it for download."""
import gc

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.jobs import job
from models.declaration import Declaration


@job("declaration_print", title=_l("生成打印表"), isolated=True)
def declaration_print(ctx, declaration_id, locale=""):
    from reports.pdf import declaration_pdf, load_lookups

    declaration = db.session.get(Declaration, declaration_id)
    if declaration is None:
        raise LookupError(f"申报{declaration_id}不存在")
    rows = declaration.item_count or len(declaration.items)
    ctx.progress(0, rows, f"正在生成{rows}人的打印表", force=True)

    def printed(done, total):  # after each chunk of rows (reports/chunked_pdf.py)
        # Never "done" before the file is saved: the last chunk is reported by the line below.
        if done < total:
            ctx.progress(done, total, f"正在生成{rows}人的打印表：已排版{done}人")

    # The language of the user who asked; the worker has no request to choose one from.
    with force_locale(locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
        pdf = declaration_pdf(declaration, load_lookups(), progress=printed,
                              rows_per_chunk=current_app.config.get("PRINT_CHUNK_ROWS", 500))
    ctx.save_result(pdf, f"{declaration.serial_no}.pdf")
    gc.collect()  # what the last chunk and the join leave, in a long-lived worker
    ctx.progress(rows, rows, f"已生成{rows}人的打印表")
    return {"declaration_id": declaration.id, "rows": rows}
