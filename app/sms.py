"""The SMS gateway (A3): one interface, an outbox backend that only stores the messages (shown to
admins as 短信记录, the default outside production) and an HTTP backend for a real provider."""
import json
import urllib.request
from datetime import datetime

from flask import current_app

from app.extensions import db
from models.sms import SmsMessage


class OutboxBackend:
    name = "outbox"

    def deliver(self, message: SmsMessage) -> None:
        message.status = "sent"
        message.sent_at = datetime.now()


class HttpBackend:
    """Posts ``{"phone", "content"}`` as JSON to SMS_HTTP_URL; any 2xx answer counts as sent."""

    name = "http"

    def __init__(self, url: str, token: str = "", timeout: float = 5.0):
        if not url:
            raise RuntimeError("SMS_BACKEND=http requires SMS_HTTP_URL")
        self.url, self.token, self.timeout = url, token, timeout

    def deliver(self, message: SmsMessage) -> None:
        body = json.dumps({"phone": message.phone, "content": message.content}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                ok = 200 <= answer.status < 300
        except OSError as exc:
            message.status, message.error = "failed", str(exc)[:500]
            return
        message.status = "sent" if ok else "failed"
        message.sent_at = datetime.now() if ok else None


def backend():
    config = current_app.config
    if config.get("SMS_BACKEND", "outbox") == "http":
        return HttpBackend(config.get("SMS_HTTP_URL", ""), config.get("SMS_HTTP_TOKEN", ""))
    return OutboxBackend()


def send(phone: str, content: str, purpose: str, unit_id: int | None = None) -> SmsMessage:
    """Store the message and hand it to the backend; joins the caller's transaction."""
    chosen = backend()
    message = SmsMessage(phone=phone, content=content, purpose=purpose, unit_id=unit_id,
                         backend=chosen.name, status="queued")
    db.session.add(message)
    chosen.deliver(message)
    return message
