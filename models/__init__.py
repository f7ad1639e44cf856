"""All tables, one module per area. Importing this package registers every model on
``Model.metadata`` so that Alembic sees the whole schema."""
from flask_appbuilder import Model

from models import (  # noqa: F401
    audit,
    card,
    certificate,
    contribution,
    declaration,
    demo_bank,
    job,
    medical,
    notice,
    pension,
    person,
    reconciliation,
    reference,
    sms,
    unit,
    user,
)

metadata = Model.metadata
