"""Tenancy (A9): an employer sees and touches only its own unit's rows. The one mechanism.

``unit_scope(model, unit_id)`` says how a model reaches its unit: its ``unit_id`` column, the unit
itself, a person through an enrollment, or a parent row (a declaration's items through the
declaration). Code tables are shared; a model nobody classified is hidden from employers.

``TenantFilter`` is the FAB filter that applies the scope for the logged-in user: center roles
(中心审核员, 系统管理员) pass, an employer is held to ``user.unit_id``, and an employer without a
unit — or no user at all — sees nothing, never everything.

``TenantInterface`` applies ``TenantFilter`` inside every query it builds — lists, counts,
``get`` by key, charts — so no FAB code path can skip it: not ``action``/``action_post`` (which load
by key without base filters), not related views, not ``MasterDetailView``/``CompactCRUDMixin``,
not the relationship dropdowns of forms and ``/_info`` (FAB builds those from
``get_related_interface``, which is a ``TenantInterface`` for the related model too), not the REST
API. Putting it in ``base_filters`` as well would only repeat the same WHERE clause.

``TenantModelView`` and ``TenantApi`` are the bases every unit-owned view and API derives from;
they add what a query cannot: actions answer 404 for rows outside the scope, and a new or edited
row always carries the employer's own unit. (FAB's generic file download is closed on every model
view: app/builder.py.)
"""
import sqlalchemy as sa
from flask import abort, current_app, g, has_request_context, request
from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_login import current_user as login_user
from werkzeug.local import LocalProxy

from app.request_guard import is_key
from app.roles import CENTER_ROLES
from models.contribution import Bill, Payment, Rate, YearParameter
from models.declaration import Declaration, DeclarationEvent, DeclarationItem, Material
from models.person import Enrollment, Person
from models.reference import (
    BankBranch,
    ChangeReason,
    EmploymentForm,
    Hospital,
    Industry,
    Insurance,
    Nation,
    PersonCategory,
)
from models.unit import Unit, UnitInsurance
from views.datamodel import QueryInterface

# Rows every logged-in user may read: code tables and parameters.
SHARED = {
    BankBranch, ChangeReason, EmploymentForm, Hospital, Industry, Insurance, Nation,
    PersonCategory, Rate, YearParameter,
}
# Rows without a unit column that belong to the unit of their parent row: (fk column, parent).
PARENTS = {
    DeclarationItem: ("declaration_id", Declaration),
    Material: ("declaration_id", Declaration),
    DeclarationEvent: ("declaration_id", Declaration),
    Payment: ("bill_id", Bill),
}


def unit_scope(model, unit_id):
    """The SQL condition that keeps ``model`` rows of one unit; None for shared tables."""
    if model in SHARED:
        return None
    if model is Unit:
        return Unit.id == unit_id
    if model is Person:
        return Person.id.in_(sa.select(Enrollment.person_id).where(Enrollment.unit_id == unit_id))
    columns = model.__table__.c
    if "unit_id" in columns and "insurance_id" in columns:
        # A4: an employer queries only the 险种 registrations linked to its account.
        linked = sa.select(UnitInsurance.insurance_id).where(
            UnitInsurance.unit_id == unit_id, UnitInsurance.linked.is_(True))
        return sa.and_(columns.unit_id == unit_id, columns.insurance_id.in_(linked))
    if "unit_id" in columns:
        return columns.unit_id == unit_id
    if model in PARENTS:
        fk, parent = PARENTS[model]
        return getattr(model, fk).in_(sa.select(parent.id).where(unit_scope(parent, unit_id)))
    return sa.false()  # not classified: never leak it


def current_user():
    """The logged-in user of this request (session or JWT), or None."""
    if not has_request_context():
        return None
    user = g.get("user", login_user)  # the loaded user itself once app.account_gate has run
    if user.is_authenticated:
        return user._get_current_object() if isinstance(user, LocalProxy) else user
    try:
        return current_app.appbuilder.sm.current_user  # the JWT user on the API
    except RuntimeError:  # no JWT was verified on this request
        return None


def is_center(user) -> bool:
    return any(role.name in CENTER_ROLES for role in getattr(user, "roles", None) or [])


def tenant_unit_id(user=None):
    """The unit the user is held to: None for center roles (every unit), 0 for a user without
    a unit (no unit's rows)."""
    user = user or current_user()
    if user is not None and is_center(user):
        return None
    return getattr(user, "unit_id", None) or 0


class TenantFilter(BaseFilter):
    """Restrict a query to the current user's unit (center roles pass through)."""

    name = "Tenant"
    arg_name = "tenant"

    def apply(self, query, value=None):
        unit_id = tenant_unit_id()
        if unit_id is None:
            return query
        if not unit_id:
            return query if self.model in SHARED else query.filter(sa.false())
        condition = unit_scope(self.model, unit_id)
        return query if condition is None else query.filter(condition)


class TenantInterface(QueryInterface):
    """A datamodel whose every query is held to the current user's unit."""

    def _tenant(self, query):
        return TenantFilter("id", self).apply(query)

    def filtered(self, query, filters=None):
        return super().filtered(self._tenant(query), filters)

    def _apply_inner_all(self, query, filters=None, *args, **kwargs):
        return super()._apply_inner_all(self._tenant(query), filters, *args, **kwargs)

    def _get_base_query(self, query, filters=None, *args, **kwargs):
        return super()._get_base_query(self._tenant(query), filters, *args, **kwargs)


class TenantModelView(ModelView):
    """Base of every unit-owned ModelView: the datamodel must be a TenantInterface."""

    def __init__(self, **kwargs):
        if not isinstance(self.datamodel, TenantInterface):
            raise TypeError(f"{type(self).__name__}.datamodel must be a TenantInterface")
        super().__init__(**kwargs)

    def _visible(self, pk):
        if not is_key(pk):
            abort(404)
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return item

    # An unknown action name answers 404 before this (app/request_guard.py).
    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        self._visible(pk)  # outside the scope: 404 before anything runs
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        for pk in request.form.getlist("rowid"):
            self._visible(pk)
        return super().action_post()

    def pre_add(self, item):
        self._hold_to_unit(item)

    def pre_update(self, item):
        self._hold_to_unit(item)

    @staticmethod
    def _hold_to_unit(item):
        unit_id = tenant_unit_id()
        if unit_id is not None and hasattr(item, "unit_id"):
            item.unit_id = unit_id


class TenantApi(ModelRestApi):
    """Base of every unit-owned REST API (JWT; read-only unless a subclass grants more)."""

    base_permissions = ["can_get", "can_info"]

    def __init__(self):
        if not isinstance(self.datamodel, TenantInterface):
            raise TypeError(f"{type(self).__name__}.datamodel must be a TenantInterface")
        super().__init__()

    def pre_add(self, item):
        TenantModelView._hold_to_unit(item)

    def pre_update(self, item):
        TenantModelView._hold_to_unit(item)
