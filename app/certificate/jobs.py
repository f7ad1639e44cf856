"""Many 参保缴费证明 as one background job (H6): the certificates are issued (codes and facts
stored) by the request; the job only renders them, reports.certificate.CHUNK to a document,
joined into one PDF with continuous page numbers (reports/chunked_pdf.py), reporting progress
after each chunk. 1,000 certificates: tests/benchmarks/test_certificate_print_speed.py."""
import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.jobs import job
from models.certificate import Certificate


@job("certificate_print", title=_l("打印缴费证明"), isolated=True)
def certificate_print(ctx, certificate_ids, base_url, locale=""):
    from reports.certificate import bulk_certificate_pdf

    ids = [int(i) for i in certificate_ids]
    found = {}
    for i in range(0, len(ids), 500):
        query = sa.select(Certificate.id, Certificate.code, Certificate.facts).where(
            Certificate.id.in_(ids[i:i + 500]))
        if ctx.unit_id is not None:  # the job prints its own unit's certificates only
            query = query.where(Certificate.unit_id == ctx.unit_id)
        found.update({row.id: (row.facts, row.code) for row in db.session.execute(query)})
    items = [found[i] for i in ids if i in found]
    total = len(items)
    if not total:  # nothing of this unit's (the request issued them: never in practice)
        return {"certificates": 0}
    ctx.progress(0, total, f"正在生成{total}份缴费证明", force=True)

    def progress(done, of):
        ctx.progress(done, of, f"已生成{done}份，共{of}份")

    with force_locale(locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
        pdf = bulk_certificate_pdf(items, base_url, progress)
    ctx.save_result(pdf, "缴费证明.pdf")
    return {"certificates": total}
