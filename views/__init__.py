"""Every view is added here, in one place, in menu order.

The menu mirrors the 济南 manual: 信息查询 (E1–E8) first, 系统管理 last — FAB's own security
views, renamed from "Security", with the code tables, registry, parameters and audit log. Menu
names are the Chinese titles (stable: roles and permissions refer to them); labels translate.
社会保险申报 / 社会保险缴费 / 其他申报 / 社保卡 / 退休管理 join with their issues.
"""
from flask import current_app
from flask_appbuilder.api import BaseApi
from flask_babel import force_locale
from flask_babel import lazy_gettext as _

from app.extensions import csrf
from views import admin, display_filters, payment
from views.account import AccountView
from views.assessment import AssessmentView
from views.api import QUERY_APIS
from views.declaration_wizard import WIZARDS
from views.review import ReviewView
from views.tasks import TasksView
from views.jobs import JobView
from views.certificate_verify import VerifyView
from views.certificate_verify import limit as limit_verification
from views.certificates import CertificateView
from views.pension_statement import PensionStatementView
from views.declaration_queries import (
    DeclarationEventView,
    DeclarationItemView,
    DeclarationView,
    MaterialView,
)
from views.login import CaptchaView
from views.medical_queries import MedicalSubsidyView
from views.password_reset import PasswordResetView
from views.payment_queries import BillView, ContributionView, PaymentView, UnitContributionView
from views.registration import RegistrationView
from views.statistics import StatisticsView
from views.bills import BackPaymentBillingView, BillingView
from views.unit_queries import StaffChangeView, UnitInfoView, UnitRateView, UnitStaffView
from views.contribution_form import ContributionFormView

QUERIES = _("信息查询")
BACK_OFFICE = _("审核管理")
ACCOUNT_SETTINGS = _("账号设置")
REVIEW_QUEUE = _("待审核申报")
ADMIN = _("系统管理")
PAYING = _("社会保险缴费")
PRINTS = _("打印服务")

MENU = [
    (QUERIES, "fa-search", [
        (UnitInfoView, "fa-building"),
        (UnitStaffView, "fa-users"),
        (StaffChangeView, "fa-exchange"),
        (UnitContributionView, "fa-history"),
        (UnitRateView, "fa-percent"),
        (ContributionView, "fa-money"),
        (BillView, "fa-file-text-o"),
        (DeclarationView, "fa-tasks"),
        (MedicalSubsidyView, "fa-medkit"),
        (PensionStatementView, "fa-line-chart"),
    ]),
    (PAYING, "fa-credit-card", [
        (BillingView, "fa-calculator"),
        (BackPaymentBillingView, "fa-history"),
    ]),
    (_("其他申报"), "fa-edit", [
        (CertificateView, "fa-certificate"),
    ]),
    (PRINTS, "fa-print", [
        (ContributionFormView, "fa-file-pdf-o"),
    ]),
    (ADMIN, "fa-cogs", [
        None,
        (admin.InsuranceView, "fa-shield"),
        (admin.ChangeReasonView, "fa-random"),
        (admin.EmploymentFormView, "fa-briefcase"),
        (admin.PersonCategoryView, "fa-id-badge"),
        (admin.NationView, "fa-flag"),
        (admin.IndustryView, "fa-industry"),
        (admin.HospitalView, "fa-hospital-o"),
        (admin.BankBranchView, "fa-university"),
        None,
        (admin.UnitRegistryView, "fa-building-o"),
        (admin.RateView, "fa-percent"),
        (admin.YearParameterView, "fa-calendar"),
        None,
        (admin.AuditLogView, "fa-history"),
        (admin.SmsMessageView, "fa-envelope"),
    ]),
]
# Lists shown inside other pages (a bill's payments, a declaration's persons …): no menu.
EMBEDDED = [PaymentView, DeclarationItemView, MaterialView, DeclarationEventView]
# The account pages (A1–A8): reached from the login page and the account settings, no menu.
ACCOUNT = [CaptchaView, RegistrationView, PasswordResetView]
# Pages for anyone, without login: the certificate check (H4), rate-limited per address.
PUBLIC = [VerifyView]


def register(appbuilder) -> None:
    display_filters.init_app(current_app)  # registered inside the app's context
    _rename_security_menu(appbuilder.menu)
    for view in [*ACCOUNT, *EMBEDDED]:
        appbuilder.add_view_no_menu(view)
    for view in PUBLIC:
        limit_verification(appbuilder, appbuilder.add_view_no_menu(view))
    _register_declarations(appbuilder)
    payment.register(appbuilder)
    for category, icon, items in MENU:
        for item in items:
            if item is None:
                if appbuilder.menu.find(name_of(category)) is not None:
                    appbuilder.menu.add_separator(name_of(category))
                continue
            view, view_icon = item
            appbuilder.add_view(view, name_of(view.list_title), icon=view_icon,
                                label=view.list_title, category=name_of(category),
                                category_icon=icon, category_label=category)
    appbuilder.add_view(AccountView, name_of(ACCOUNT_SETTINGS), label=ACCOUNT_SETTINGS,
                        icon="fa-user")
    _put_last(appbuilder.menu, name_of(ADMIN))
    for api in QUERY_APIS:
        appbuilder.add_api(api)
    _exempt_apis_from_csrf(appbuilder)


def _register_declarations(appbuilder) -> None:
    """A wizard per registered business, in the menu its registry entry names (C1–C21)."""
    for view in WIZARDS:
        business = view.business
        appbuilder.add_view(view, business.name, label=_(business.name),
                            icon="fa-pencil-square-o", category=business.menu,
                            category_label=_(business.menu), category_icon="fa-edit")
    appbuilder.add_view_no_menu(TasksView)
    appbuilder.add_view_no_menu(JobView)
    appbuilder.add_view(ReviewView, name_of(REVIEW_QUEUE), label=REVIEW_QUEUE,
                        icon="fa-gavel", category=name_of(BACK_OFFICE),
                        category_label=BACK_OFFICE, category_icon="fa-gavel")
    appbuilder.add_view(AssessmentView, name_of(AssessmentView.list_title),
                        label=AssessmentView.list_title, icon="fa-calculator",
                        category=name_of(BACK_OFFICE), category_label=BACK_OFFICE,
                        category_icon="fa-gavel")
    appbuilder.add_view(StatisticsView, name_of(StatisticsView.list_title),
                        label=StatisticsView.list_title, icon="fa-bar-chart",
                        category=name_of(BACK_OFFICE), category_label=BACK_OFFICE,
                        category_icon="fa-gavel")


def name_of(label) -> str:
    """A menu's stable name (menu_access permissions use it): its Chinese text."""
    with force_locale("zh"):
        return str(label)


def _rename_security_menu(menu) -> None:
    """FAB files its user, role and permission views under "Security": call it 系统管理."""
    security = menu.find("Security")
    if security is not None:
        security.name, security.label, security.icon = name_of(ADMIN), ADMIN, "fa-cogs"


def _put_last(menu, name) -> None:
    item = menu.find(name)
    if item is not None:
        menu.menu.remove(item)
        menu.menu.append(item)


def _exempt_apis_from_csrf(appbuilder) -> None:
    """The JWT API carries no cookie session to forge: exempt it from CSRFProtect."""
    for view in appbuilder.baseviews:
        if isinstance(view, BaseApi) and view.blueprint is not None:
            csrf.exempt(view.blueprint)
