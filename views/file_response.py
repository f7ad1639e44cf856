"""One way to send a stored file: the name quoted for any language, never sniffed."""
from urllib.parse import quote

from flask import abort, make_response


def file_response(data: bytes, content_type: str, filename: str, inline: bool = True):
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def material_response(declaration, material_id: int):
    """A material of a declaration the caller has already been allowed to see; 404 otherwise."""
    from app.declarations import materials
    from app.errors import DomainError

    material = next((m for m in declaration.materials if m.id == material_id), None)
    if material is None:
        abort(404)
    try:
        return file_response(*materials.read(material))
    except DomainError:
        abort(404)
