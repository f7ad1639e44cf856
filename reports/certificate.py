"""参保缴费证明 (F3) as a printed form: the stored facts of each certificate, its verification
code and a QR code of its public /verify/<code> URL.

The QR code is drawn by segno as an SVG data URI inside the page (pdf.py's fetcher reads data:
URLs and nothing from the network), so a certificate prints the same on an offline intranet.
``certificate_pdf`` renders a few certificates in one document (a request); the bulk job
renders many in chunks (app/certificate/jobs.py).
"""
import segno

from reports.pdf import gettext, render_pdf
from rules.certificate import grouped, masked_id
from rules.months import month_label

TEMPLATE = "contribution_certificate"
# Statuses as the facts store them; the words are the enrollment statuses of every screen.
STATUS_WORDS = {"normal": "正常参保", "suspended": "暂停缴费", "ended": "终止参保",
                "retired": "退休"}


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{code}"


def qr_svg(url: str) -> str:
    """segno's SVG of the URL (error correction M, no XML declaration): the exact text the
    tests compare against segno's own output for the same URL."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2)


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=3, border=2)


def shown(facts: dict, code: str | None = None, url: str | None = None,
          mask: bool = False) -> dict:
    """The facts as a reader sees them: months as 2026-01, statuses and 险种 in words of the
    current language; ``mask``: the ID as the public page shows it (first 6, last 4)."""
    insurances = [{**i, "label": gettext(i["name"]), "short_label": gettext(i["short"]),
                   "status_label": gettext(STATUS_WORDS.get(i["status"], i["status"])),
                   "period_labels": [f"{month_label(a)} — {month_label(b)}"
                                     for a, b in i["periods"]]}
                  for i in facts.get("insurances", [])]
    codes = [i["code"] for i in insurances if i["months"]]
    return {
        **facts,
        "id_shown": masked_id(facts["id_number"]) if mask else facts["id_number"],
        "period_label": f"{month_label(facts['period_start'])} — "
                        f"{month_label(facts['period_end'])}",
        "purpose_label": gettext(facts["purpose"]),
        "center_label": gettext(facts["center"]),
        "insurances": insurances,
        "paid_codes": codes,
        "monthly": [{**m, "label": month_label(m["month"])} for m in facts.get("monthly", [])],
        "code": code, "code_grouped": grouped(code) if code else "",
        "url": url, "qr": qr_data_uri(url) if url else "",
    }


CHUNK = 25  # certificates a WeasyPrint document: 25 lay out in ~290 MB peak, 50 in ~400 MB


def bulk_certificate_pdf(items, base_url: str, progress=None, chunk: int = CHUNK) -> bytes:
    """Many certificates ((facts, code) each) as one PDF, ``chunk`` to a WeasyPrint document,
    joined with continuous page numbers (reports/chunked_pdf.py); ``progress(done, total)``
    after each chunk."""
    from reports.chunked_pdf import render_chunked

    def context(part, _chunk):
        return {"certificates": [shown(facts, code, verify_url(base_url, code))
                                 for facts, code in part],
                "footer_left": gettext("参保人员缴费证明")}

    return render_chunked(TEMPLATE, context, items, chunk, progress)


def certificate_pdf(items) -> bytes:
    """One PDF of ``items``: (facts, code, verification URL) each, a certificate a page (or
    more for a long month list)."""
    return render_pdf(TEMPLATE, certificates=[shown(f, c, u) for f, c, u in items],
                      footer_left=gettext("参保人员缴费证明"))
