"""One way to send a stored file: the name quoted for any language, never sniffed."""
from urllib.parse import quote

from flask import make_response


def file_response(data: bytes, content_type: str, filename: str, inline: bool = True):
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
