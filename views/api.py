"""REST API of the query models under /api/v1/ (H5): JWT, read-only, held to the unit.

Each API declares its resource and columns; ``TenantApi`` holds every query to the caller's unit
(lists, ``/<pk>``, ``/_info`` and its related-field values), answers 404 for rows outside it and
for keys no row can have, and 403 for writes. The API returns raw codes, not labels.

Paging is bounded: at most ``max_page_size`` rows a page (FAB shrinks a larger or a negative size
to it), and a page index outside ``0..MAX_PAGE`` or a size that is not a number is a 400 with a
message — a negative offset failed on PostgreSQL and a 20-digit one overflowed SQLite (500).
Each request searches with filters of its own (``FiltersPerRequest``): FAB refilled one shared
object per API.
"""
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from werkzeug.exceptions import BadRequest

from app.roles import EMPLOYER, READ, REVIEWER
from models.contribution import Bill, Contribution, UnitContribution
from models.declaration import Declaration
from models.person import Enrollment
from models.unit import UnitInsurance
from views.filters import MONTH_RANGE, FiltersPerRequest, RelatedEqual
from views.tenancy import TenantApi, TenantInterface

MAX_PAGE = 10**7  # a billion rows at the largest page size: offsets stay far inside 64 bits


class QueryApi(FiltersPerRequest, TenantApi):
    role_access = {EMPLOYER: READ, REVIEWER: READ}
    page_size = 20
    max_page_size = 100
    # Nothing can be written through these APIs; keep /_info from describing forms.
    add_columns = edit_columns = ["id"]
    description_columns = {"id": _("记录ID")}

    def _sanitize_page_args(self, page, page_size):
        """FAB's paging (its size capped at ``max_page_size``), with the page index checked:
        every list, ``/_info`` and related-field lookup pages through here. FAB's ``@safe``
        answers the BadRequest as a 400 with its message."""
        numbers = all(v is None or type(v) is int for v in (page, page_size))  # /_info: any JSON
        if not numbers or (page is not None and not 0 <= page <= MAX_PAGE):
            raise BadRequest(gettext(
                "分页参数无效：页码为 0–%(pages)s 的整数，每页最多 %(size)s 条",
                pages=MAX_PAGE, size=self.max_page_size))
        return super()._sanitize_page_args(page, page_size)


class UnitInsuranceApi(QueryApi):
    resource_name = "unit_insurance"
    datamodel = TenantInterface(UnitInsurance)
    list_columns = show_columns = ["id", "unit.unit_no", "insurance.code", "business_no", "status",
                                   "start_month", "injury_float_pct"]
    search_columns = ["unit_id", "insurance_id", "status"]


class EnrollmentApi(QueryApi):
    resource_name = "enrollment"
    datamodel = TenantInterface(
        Enrollment, column_filters={"person.id_number": [RelatedEqual],
                                    "person.name": [RelatedEqual]})
    list_columns = show_columns = ["id", "unit.unit_no", "person.id_number", "person.name",
                                   "insurance.code", "category", "status", "start_month",
                                   "end_month"]
    search_columns = ["unit_id", "person_id", "person.id_number", "person.name",
                      "insurance_id", "category", "status"]


class UnitContributionApi(QueryApi):
    resource_name = "unit_contribution"
    datamodel = TenantInterface(UnitContribution, column_filters={"month": MONTH_RANGE})
    list_columns = show_columns = ["id", "unit.unit_no", "insurance.code", "month", "persons",
                                   "base_total", "unit_amount", "personal_amount", "late_fee",
                                   "total", "paid_amount", "status"]
    search_columns = ["unit_id", "insurance_id", "month", "status"]


class ContributionApi(QueryApi):
    resource_name = "contribution"
    datamodel = TenantInterface(Contribution, column_filters={"month": MONTH_RANGE})
    list_columns = show_columns = ["id", "unit.unit_no", "person.id_number", "insurance.code",
                                   "month", "base", "unit_amount", "personal_amount",
                                   "late_fee", "back_payment", "paid"]
    search_columns = ["unit_id", "person_id", "insurance_id", "month", "paid"]


class BillApi(QueryApi):
    resource_name = "bill"
    datamodel = TenantInterface(Bill)
    list_columns = show_columns = ["id", "unit.unit_no", "bill_no", "kind", "period_start",
                                   "period_end", "insurance_codes", "amount", "late_fee",
                                   "total", "status", "due_date", "paid_at"]
    search_columns = ["unit_id", "bill_no", "status", "kind"]


class DeclarationApi(QueryApi):
    resource_name = "declaration"
    datamodel = TenantInterface(Declaration)
    list_columns = show_columns = ["id", "unit.unit_no", "serial_no", "business_code",
                                   "insurance_codes", "status", "read", "returned",
                                   "return_reason", "opinion", "item_count", "created_at",
                                   "submitted_at", "decided_at"]
    search_columns = ["unit_id", "serial_no", "business_code", "status", "read"]


QUERY_APIS = [UnitInsuranceApi, EnrollmentApi, UnitContributionApi, ContributionApi, BillApi,
              DeclarationApi]
