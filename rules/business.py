"""The business registry: every 业务 declared once (FEATURES.md C1–C21).

Wizards, batch import, review pages, queries and printing read a ``Business``; adding one is
an entry here plus its effect function (registered by name in the family modules of ``app/declarations/effects/``).
Pure data and pure checks: no Flask, no database.
"""
from dataclasses import dataclass, field as dc_field
from datetime import date

from rules import back_payment, wage_base, work_start
from rules.checks import changes, common, enrollment as enr, medical, retirement
from rules.errors import RuleError
from rules.fields import Field, clean

INSURANCE_CODES = ("110", "210", "310", "410", "510")


@dataclass(frozen=True)
class MaterialType:
    code: str
    name: str
    required: bool = False  # 是否必扫


@dataclass(frozen=True)
class Business:
    code: str
    name: str
    menu: str  # the menu the wizard sits in
    fields: tuple
    subject: str = "person"  # person (one item per person) | unit (the unit itself)
    person_source: str = "new"  # new: typed ID number | staff: picked from current staff
    insurance_scope: tuple = INSURANCE_CODES
    materials: tuple = ()
    batch: bool = False
    auto_review: bool = False
    effect: str = ""
    print_form: str | None = None
    checks: tuple = ()
    description: str = ""
    extra: dict = dc_field(default_factory=dict)
    # Checks over (row, what the registry holds about its person — or the unit's current facts
    # for a unit business): rules/checks/, run by app/declarations/person_facts.py in the
    # wizard, the import, at submit and again at approval. The first that refuses is said.
    registry_checks: tuple = ()
    # Names of app-side checks over the whole declaration's rows (app/declarations/guards/
    # PAYLOAD_GUARDS): facts the database holds, such as "once per person and year".
    declaration_guards: tuple = ()
    # 录入 as one page listing the unit's people, an input per row and 批设置 (one value set
    # for the ticked rows at once): views/roster_steps.py. ``staff_insurance`` narrows the
    # listed people (and 导出含数据报盘文件) to those insured here in that 险种.
    roster: bool = False
    staff_insurance: str | None = None

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


# Kinds whose values repeat down a batch file (codes, months, amounts, addresses …).
MEMO_KINDS = frozenset({"choice", "month", "date", "money", "flag", "year", "insurances", "text"})
MEMO_LIMIT = 200_000  # verdicts remembered per batch; further values are just cleaned


def validate(business: Business, payload: dict, choices: dict, today: date,
             memo: dict | None = None):
    """Every field cleaned, then the cross-field checks; returns (clean, errors by field).

    ``memo``: a dict the caller keeps across the rows of one batch of this business (same
    choices, same today). A field's verdict on a text value of a MEMO_KINDS kind is then reached
    once and remembered: the validators are pure, and a 100,000-row file need not clean "汉族"
    100,000 times. Cross-field checks still run on every row."""
    cleaned, errors = {}, {}
    for f in business.fields:
        if memo is not None and f.kind in MEMO_KINDS:
            raw = payload.get(f.name)
            if raw is None or type(raw) is str:  # hashable, and what a file's cells are
                verdict = memo.get((f.name, raw))
                if verdict is None:
                    verdict = _verdict(f, raw, choices, today)
                    if len(memo) < MEMO_LIMIT:
                        memo[f.name, raw] = verdict
                if verdict[1] is None:
                    cleaned[f.name] = verdict[0]
                else:
                    errors[f.name] = verdict[1]
                continue
        try:
            cleaned[f.name] = clean(f, payload.get(f.name), choices, today)
        except RuleError as refused:
            errors[f.name] = str(refused)
    if not errors:
        for check in business.checks:
            for name, message in check(cleaned, today).items():
                errors.setdefault(name, message)
    return cleaned, errors


def _verdict(f: Field, raw, choices: dict, today: date) -> tuple:
    """(clean value, None) or (None, the reason it is refused)."""
    try:
        return clean(f, raw, choices, today), None
    except RuleError as refused:
        return None, str(refused)


ID = Field("id_number", "社会保障号码", "id_number")
NAME = Field("name", "姓名", "name")
SOCIAL = "社会保险申报"
OTHER = "其他申报"

ID_CARD = MaterialType("id_card", "身份证复印件", required=True)
CONTRACT = MaterialType("contract", "劳动合同", required=True)
TERMINATION = MaterialType("termination", "解除/终止劳动合同证明", required=True)
CHANGE_PROOF = MaterialType("change_proof", "变更证明材料", required=True)
OTHER_PROOF = MaterialType("other", "其他材料")
WAGE_PROOF = MaterialType("wage_proof", "工资发放明细表")
SUBSIDY_PROOF = MaterialType("subsidy_proof", "医疗账户补助金发放说明")
BACK_PAY_PROOF = MaterialType("back_pay_proof", "补缴期间劳动合同及工资发放记录", required=True)
# 居民医疗停保原因 (choice source "resident_stop_reason"; app/declarations/choices.py FIXED).
RESIDENT_STOP_REASONS = {"employee": "参加职工医保", "death": "死亡", "other": "其他"}
WAGE_DECLARATION = "C3"

BUSINESSES = {b.code: b for b in (
    Business(
        "C1", "在职增员", SOCIAL, batch=True, effect="enroll", print_form="enrollment_roster",
        description="新参保或续保人员增员；录入身份证号码后已知人员的信息自动带出。",
        fields=(
            ID, NAME,
            Field("gender", "性别", "choice", source="gender"),
            Field("birth_date", "出生日期", "date"),
            Field("nation", "民族", "choice", source="nation", required=False),
            Field("retirement_category", "退休年龄类别", "choice", source="retirement_category"),
            Field("phone", "手机号码", "phone"),
            Field("address", "通讯地址", required=False, max_length=200),
            Field("employment_form", "用工形式", "choice", source="employment_form"),
            Field("person_category", "人员类别", "choice", source="person_category"),
            Field("add_reason", "增加原因", "choice", source="change_reason:add"),
            Field("start_month", "增员年月", "month"),
            Field("insurances", "参保险种", "insurances", help="险种代码，逗号分隔，如110,210,310"),
            Field("wage", "月缴费工资", "money"),
            Field("back_pay", "追溯补缴", "flag", required=False),
            # Added from the 济南 manual (issue 11): last, so that files made from the earlier
            # template, and rows filled by column position, still line up.
            Field("hukou_place", "户口所在地", required=False, max_length=200,
                  help="省、市、县及详细地址，如山东省济南市长清区"),
            Field("first_work_month", "参加工作日期", "month", required=False),
            Field("sub_unit", "二级单位", required=False, max_length=100),
        ),
        materials=(ID_CARD, CONTRACT, OTHER_PROOF),
        checks=(enr.person_matches_id, enr.enrollment_month, enr.below_retirement_age,
                work_start.first_work_month),
        registry_checks=(enr.not_insured_anywhere, common.identity_matches,
                         enr.starts_after_last_reduction),
    ),
    Business(
        "C2", "在职减员", SOCIAL, person_source="staff", batch=True, effect="reduce",
        print_form="reduction_roster",
        fields=(ID, NAME,
                Field("reduce_reason", "减员原因", "choice", source="change_reason:reduce"),
                Field("end_month", "减员年月", "month")),
        materials=(TERMINATION, OTHER_PROOF),
        checks=(enr.reduction_month,),
        registry_checks=(common.staff_here, common.name_matches, enr.reduction_after_start),
    ),
    Business(
        "C2R", "离退休人员减员", SOCIAL, person_source="retired", effect="reduce",
        print_form="reduction_roster",
        fields=(ID, NAME,
                Field("reduce_reason", "减员原因", "choice", source="change_reason:reduce"),
                Field("end_month", "减员年月", "month")),
        materials=(OTHER_PROOF,),
        checks=(enr.reduction_month,),
        registry_checks=(common.retired_here, common.name_matches, enr.reduction_after_start),
    ),
    Business(
        "C6", "单位基本信息变更", OTHER, subject="unit", effect="change_unit",
        fields=(Field("name", "单位名称", max_length=200),
                Field("address", "单位地址", max_length=200),
                Field("postcode", "邮政编码", "postcode", required=False),
                Field("legal_person", "法定代表人", "name"),
                Field("contact_name", "专管员姓名", "name"),
                Field("contact_phone", "专管员手机", "phone")),
        materials=(CHANGE_PROOF,),
        registry_checks=(changes.unit_changes_something,),
    ),
    Business(
        "C7", "人员基本信息变更", OTHER, person_source="staff", effect="change_person",
        fields=(ID, NAME,
                Field("new_name", "变更后姓名", "name", required=False),
                Field("phone", "手机号码", "phone", required=False),
                Field("address", "通讯地址", required=False, max_length=200),
                Field("nation", "民族", "choice", source="nation", required=False)),
        materials=(CHANGE_PROOF,),
        checks=(changes.something_changes,),
        registry_checks=(common.staff_here, common.name_matches,
                         changes.person_changes_something),
    ),
    Business(
        "C8", "人员险种增加/减少", OTHER, person_source="staff", effect="change_insurances",
        fields=(ID, NAME,
                Field("direction", "变更类型", "choice", source="insurance_direction"),
                Field("insurances", "变更险种", "insurances", help="险种代码，逗号分隔"),
                Field("month", "变更年月", "month")),
        materials=(OTHER_PROOF,),
        checks=(enr.change_month,),
        registry_checks=(common.staff_here, common.name_matches, enr.insurances_change),
    ),
    Business(
        "C9", "减员原因变更", OTHER, person_source="reduced", effect="change_reduce_reason",
        fields=(ID, NAME,
                Field("reduce_reason", "变更后减员原因", "choice", source="change_reason:reduce")),
        materials=(CHANGE_PROOF,),
        registry_checks=(common.reduced_here, common.name_matches, enr.reduce_reason_changes),
    ),
    Business(
        "C10", "中断转退休", "退休管理", person_source="reduced", effect="interruption_to_retired",
        fields=(ID, NAME, Field("retire_month", "退休年月", "month")),
        materials=(ID_CARD, OTHER_PROOF),
        checks=(retirement.retire_month_not_future,),
        registry_checks=(common.reduced_here, common.name_matches, retirement.may_retire),
    ),
    Business(
        "C3", "缴费基数申报", SOCIAL, person_source="staff", batch=True, effect="set_bases",
        print_form="wage_summary",
        description="工资申报：按人员申报上年月平均工资作为本年度缴费工资，低于保底线按保底线、"
                    "高于封顶线按封顶线确定缴费基数；每个单位每年度申报一次，须在申报期内。",
        fields=(ID, NAME,
                Field("year", "申报年度", "year", help="缴费基数所属年度，如2026"),
                Field("declared_wage", "缴费工资", "money", help="上年月平均工资（元）")),
        materials=(WAGE_PROOF,),
        checks=(wage_base.check_wage, wage_base.check_year),
        registry_checks=(common.staff_here, common.name_matches),
        declaration_guards=("wage_base_year",),
    ),
    Business(
        "C4", "撤销工资申报", SOCIAL, subject="unit", effect="revoke_bases",
        description="撤销本单位已审核成功的工资申报，缴费基数恢复为申报前；撤销后可重新申报该年度。",
        fields=(Field("serial_no", "工资申报流水号", max_length=30),),
        materials=(OTHER_PROOF,),
        declaration_guards=("revocable_wage_declaration",),
    ),
    Business(
        "C5", "社会保险费补缴申报", SOCIAL, person_source="staff", batch=True,
        effect="back_pay", insurance_scope=("110", "210", "310", "410"),
        print_form="back_pay_application",
        description="为本单位在职人员补缴本单位参保期间未缴的月份：按各月费率和当年缴费基数上下限计算，"
                    "逐月计收滞纳金。",
        fields=(ID, NAME,
                Field("start_month", "补缴起始年月", "month"),
                Field("end_month", "补缴截止年月", "month"),
                Field("base", "补缴基数", "money", help="补缴期间月缴费工资（元）"),
                Field("insurances", "补缴险种", "insurances", help="险种代码，逗号分隔，如110,210,310")),
        materials=(BACK_PAY_PROOF, OTHER_PROOF),
        checks=(back_payment.check_period,),
        registry_checks=(common.staff_here, common.name_matches),
        declaration_guards=("back_pay_months",),
    ),
    Business(
        "C18", "居民医疗停保", OTHER, person_source="resident", batch=True,
        effect="stop_resident_medical", insurance_scope=(),
        description="为城乡居民办理基本医疗保险停保：按社会保障号码和姓名核对人员后提交审核。",
        fields=(ID, NAME,
                Field("stop_month", "停保年月", "month"),
                Field("reason", "停保原因", "choice", source="resident_stop_reason")),
        materials=(OTHER_PROOF,),
        checks=(medical.stop_month,),
        registry_checks=(medical.resident_here_or_unemployed, common.name_matches),
    ),
    Business(
        "C14", "医疗账户补助金申报", OTHER, person_source="staff", batch=True, roster=True,
        staff_insurance="310", effect="medical_subsidy", insurance_scope=("310",),
        print_form="medical_subsidy_form",
        description="新开户单位可为参加职工基本医疗保险的在职人员申报医疗账户补助金：逐人录入"
                    "本月申报金额，或勾选人员后用批设置统一设置金额，也可导出含数据报盘文件填写后批量导入。",
        fields=(ID, NAME,
                Field("month", "申报年月", "month", help="补助金所属年月，如2026-11"),
                Field("amount", "本月申报金额", "money", help="元，大于0，最多两位小数")),
        materials=(SUBSIDY_PROOF,),
        checks=(medical.subsidy_month, medical.subsidy_amount),
        registry_checks=(common.staff_here, medical.medical_insured_here, common.name_matches),
        declaration_guards=("subsidy_once",),
    ),
)}


def get(code: str) -> Business:
    try:
        return BUSINESSES[code]
    except KeyError:
        raise RuleError(f"未知业务类型：{code}") from None
