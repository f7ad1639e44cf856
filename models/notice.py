"""系统公告 (B3) with attachments."""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship


class Notice(Model):
    __tablename__ = "notice"
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    published = Column(Boolean, nullable=False, default=False)
    published_at = Column(DateTime, index=True)
    author_id = Column(Integer, ForeignKey("ab_user.id"))
    created_at = Column(DateTime, nullable=False, default=datetime.now)

    attachments = relationship("NoticeAttachment", back_populates="notice")

    def __repr__(self):
        return self.title


class NoticeAttachment(Model):
    __tablename__ = "notice_attachment"
    id = Column(Integer, primary_key=True)
    notice_id = Column(Integer, ForeignKey("notice.id"), nullable=False, index=True)
    filename = Column(String(200), nullable=False)
    content_type = Column(String(60), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)

    notice = relationship("Notice", back_populates="attachments")
