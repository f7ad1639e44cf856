"""What one upload (报盘) came to, as the result page, the timeline and the audit log say it:
counts of rows imported, skipped (nothing declared; hidden or filtered out) and failed, the
reasons of the whole file, the columns ignored, and the 导入失败人员列表 workbook in storage."""
from datetime import datetime

from app.storage import storage

SHOWN_BAD_ROWS = 200  # the page lists these; the workbook holds them all


def import_report(business, filename, batch, judged) -> dict:
    """What the result page and the error workbook say of one upload."""
    bad = judged.bad
    error_file = _error_file(business, batch, bad, judged.file_errors) \
        if bad or judged.file_errors else None
    return {"filename": filename[:200], "rows": judged.rows, "good": judged.good,
            "bad": len(bad) + judged.file_refused, "listed": len(bad),
            "skipped": judged.skipped, "hidden": batch.hidden,
            "file_errors": judged.file_errors, "ignored": batch.ignored[:20],
            "header_row": batch.header_row, "error_file": error_file,
            "bad_rows": bad[:SHOWN_BAD_ROWS], "at": datetime.now().isoformat(timespec="seconds")}


def summary(report: dict) -> str:
    """导入N人，跳过M行，失败K人 (the timeline's and the audit's words; the page says why rows
    were skipped). Whole sentences, so the English page can translate them (views/message_i18n)."""
    good, bad = report.get("good", 0), report.get("bad", 0)
    skipped = (report.get("skipped") or 0) + (report.get("hidden") or 0)
    if skipped:
        return f"导入{good}人，跳过{skipped}行，失败{bad}人"
    return f"导入{good}人，失败{bad}人"


def audit_detail(report: dict) -> dict:
    return {"good": report["good"], "bad": report["bad"], "skipped": report["skipped"],
            "hidden": report["hidden"], "file": report["filename"][:100]}


def _error_file(business, batch, bad, file_errors=()) -> str:
    from reports.excel_errors import error_workbook

    headers = [h for h, column in zip(batch.headers, batch.columns) if h and column]
    notes = [f"整个文件（{e['rows']}行）：{e['reason']}" for e in file_errors]
    return storage().put(error_workbook(business, headers, bad, notes))
