"""Reading the query screens in tests: routes, list pages, exported workbooks, whose rows."""
import re
from io import BytesIO

from openpyxl import load_workbook


def route(view) -> str:
    """A view's URL prefix: FAB names it after the class ("/unitstaffview")."""
    return "/" + view.__name__.lower()


def record_count(html: str) -> str:
    """A list page's record count as printed ("351", "10000+"); "0" when nothing was found."""
    found = re.search(r"(?:记录数目|Record Count):</strong>\s*([\d+]+)", html)
    return found.group(1) if found else "0"


def shown_pks(html: str, view) -> list[int]:
    """The primary keys a list page links to (its rows' show links)."""
    return [int(pk) for pk in re.findall(rf'href="{route(view)}/show/(\d+)', html)]


def read_xlsx(data: bytes):
    """(headers, rows as dicts, worksheet) of an exported workbook."""
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    return headers, [dict(zip(headers, row, strict=False)) for row in rows[1:]], sheet


def owned_ids(session, model, unit_id) -> set:
    """Ids of the model's rows that belong to the unit, by the tenancy's own rule."""
    from views.tenancy import unit_scope

    condition = unit_scope(model, unit_id)
    query = session.query(model.id)
    return {pk for (pk,) in (query if condition is None else query.filter(condition))}


def foreign_ids(session, model, unit_id, limit=3) -> list:
    """A few ids of the model's rows that do not belong to the unit."""
    own = owned_ids(session, model, unit_id)
    ids = [pk for (pk,) in session.query(model.id).order_by(model.id)]
    return [pk for pk in ids if pk not in own][:limit]
