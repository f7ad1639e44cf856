"""Background jobs (H6): imports, exports, bulk effects, with progress the page polls."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text

from models.columns import Json


class Job(Model):
    __tablename__ = "job"
    id = Column(String(36), primary_key=True)  # uuid4, unguessable
    kind = Column(String(40), nullable=False)
    status = Column(String(10), nullable=False, default="queued", index=True)
    # queued | running | done | failed
    done = Column(Integer, nullable=False, default=0)
    total = Column(Integer, nullable=False, default=0)
    message = Column(Text)
    params = Column(Json)
    result = Column(Json)
    result_file = Column(String(200))
    unit_id = Column(Integer, ForeignKey("unit.id"), index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=datetime.now)
    started_at = Column(DateTime)
    finished_at = Column(DateTime)
    updated_at = Column(DateTime)  # last write by the runner: a silent job is a dead one
