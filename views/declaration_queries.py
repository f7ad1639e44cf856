"""E8 申报业务查询: declarations by business, status, 险种 and date; the page of one declaration
shows its persons, materials and timeline (H8), each list held to the unit like the rest."""
from flask_babel import lazy_gettext as _

from models.declaration import Declaration, DeclarationEvent, DeclarationItem, Material
from views.filters import DATE_RANGE
from views.labels import code_formatter
from views.list_view import QueryView
from views.message_i18n import translate
from views.payment_queries import INSURANCE_CODES
from views.tenancy import TenantInterface


class _DeclarationPart(QueryView):
    """A list shown on the declaration's page only (no menu, no page of its own). Each names
    its search columns: FAB's default searches every column, its relations by dropdowns of
    every declaration and person the user may see."""

    base_permissions = ["can_list"]
    center_columns = ()


class DeclarationItemView(_DeclarationPart):
    datamodel = TenantInterface(DeclarationItem)
    list_title = _("申报人员")
    list_columns = ["seq", "id_number", "name", "status", "result_message"]
    label_columns = {"seq": _("序号"), "id_number": _("社会保障号码"), "name": _("姓名"),
                     "status": _("审核结果"), "result_message": _("审核意见")}
    formatters_columns = {"result_message": translate}
    search_columns = ["id_number", "name", "status"]
    base_order = ("seq", "asc")


class MaterialView(_DeclarationPart):
    datamodel = TenantInterface(Material)
    list_title = _("电子材料")
    list_columns = ["material_type", "filename", "size", "uploaded_at", "replaced"]
    label_columns = {"material_type": _("材料类型"), "filename": _("文件名"),
                     "size": _("大小(字节)"), "uploaded_at": _("上传时间"),
                     "replaced": _("已替换")}
    search_columns = ["material_type", "filename"]
    base_order = ("uploaded_at", "asc")


class DeclarationEventView(_DeclarationPart):
    datamodel = TenantInterface(DeclarationEvent)
    list_title = _("办理进度")
    list_columns = ["at", "action", "from_status", "to_status", "actor_name", "message"]
    label_columns = {"at": _("时间"), "action": _("操作"), "from_status": _("原状态"),
                     "to_status": _("新状态"), "actor_name": _("经办人"), "message": _("说明")}
    formatters_columns = {"from_status": code_formatter("declaration.status"),
                          "to_status": code_formatter("declaration.status"),
                          "message": translate}
    search_columns = ["action", "actor_name"]
    base_order = ("at", "asc")


class DeclarationView(QueryView):
    """E8 申报业务查询."""

    datamodel = TenantInterface(Declaration)
    list_title = _("申报业务查询")
    list_columns = ["serial_no", "business_code", "insurance_codes", "item_count", "status",
                    "returned", "read", "created_at", "submitted_at", "decided_at"]
    search_columns = ["serial_no", "business_code", "status", "insurance_codes", "created_at",
                      "returned", "read"]
    search_filters = {**INSURANCE_CODES["filters"], "created_at": DATE_RANGE}
    search_form_extra_fields = INSURANCE_CODES["field"]
    formatters_columns = {**INSURANCE_CODES["formatter"], "return_reason": translate,
                          "opinion": translate}
    label_columns = {
        **INSURANCE_CODES["label"], "serial_no": _("申报流水号"), "business_code": _("申报业务"),
        "item_count": _("人数"), "status": _("申报状态"), "returned": _("回退标志"),
        "return_reason": _("回退原因"), "read": _("已读"), "opinion": _("审核意见"),
        "created_at": _("申报日期"), "submitted_at": _("提交时间"),
        "decided_at": _("办结时间"), "batch": _("批量申报"), "auto_decided": _("自动审核"),
        "decision_rule": _("审核依据"),
    }
    show_fieldsets = [
        (_("申报信息"), {"fields": ["serial_no", "business_code", "insurance_codes", "batch",
                                   "item_count", "created_at", "submitted_at"]}),
        (_("办理结果"), {"fields": ["status", "decided_at", "opinion", "auto_decided",
                                   "decision_rule", "returned", "return_reason", "read"]}),
    ]
    related_views = [DeclarationItemView, MaterialView, DeclarationEventView]
    base_order = ("created_at", "desc")
