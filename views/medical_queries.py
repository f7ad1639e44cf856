"""信息查询 of the medical family: 医疗账户补助金查询, the subsidies approved C14 declarations
wrote (medical_account_subsidy), per person and month; employers see their own unit's only."""
from flask_babel import lazy_gettext as _

from models.medical import MedicalAccountSubsidy
from views.filters import MONTH_RANGE
from views.list_view import QueryView
from views.tenancy import TenantInterface
from views.unit_queries import PERSON_SEARCH


class MedicalSubsidyView(QueryView):
    """医疗账户补助金查询: person, month, amount and the declaration that granted it."""

    datamodel = TenantInterface(MedicalAccountSubsidy)
    list_title = _("医疗账户补助金查询")
    list_columns = ["person.id_number", "person.name", "month", "amount",
                    "declaration.serial_no", "created_at"]
    search_columns = ["person.id_number", "person.name", "month"]
    search_filters = {**PERSON_SEARCH, "month": MONTH_RANGE}
    label_columns = {"month": _("申报年月"), "amount": _("本月申报金额"),
                     "declaration.serial_no": _("流水号"), "created_at": _("记账时间")}
    show_columns = list_columns
    base_order = ("month", "desc")
