"""电子材料 (C22): upload, replace, list and read the files a declaration carries.

Each business lists its material types with 是否必扫 (``rules/business.py``). A file is accepted
by its content (magic bytes), never by its name or the browser's content type; the bytes go to
the content-addressed storage (``app/storage.py``) and a ``Material`` row records them with the
页数 and 备注 the clerk states. A type holds several files (a contract scanned page by page);
uploading adds one, ``replaces`` names the one it takes the place of, and ``remove`` takes one
off. A file taken off stays for the record (``replaced=True``). Views load the declaration with
``commands.load`` (tenancy) and call these; they never commit themselves.
"""
import hashlib
import os
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.declarations.commands import Conflict
from app.errors import Invalid, NotFound
from app.extensions import db
from app.storage import storage
from models.declaration import Material
from rules import business as registry
from rules import workflow

MAX_SIZE = 10 * 1024 * 1024  # 10 MB per file
MAX_FILENAME = 200  # Material.filename
MAX_PAGES = 500
MAX_REMARK = 200  # Material.remark

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
_MAGIC = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
EXTENSIONS = {JPEG: (".jpg", ".jpeg"), PNG: (".png",), PDF: (".pdf",)}
LABELS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
ACCEPTED = "仅支持jpg、png、pdf格式的文件"


def sniff(data: bytes) -> str | None:
    """The content type by the file's first bytes: JPEG, PNG or PDF, else None."""
    head = bytes(data[:8])
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def upload(declaration, user, material_type: str, filename: str, data: bytes,
           item_id=None, pages=None, remark=None, replaces=None) -> Material:
    """Adds one file to the declaration's materials of ``material_type``.

    Refused with ``Invalid`` unless the declaration is a draft, the type is one of the
    business's, the file is a non-empty jpg/png/pdf of at most 10 MB whose name, if it names
    one of those types, agrees with its content, 页数 is empty or 1–500 and 备注 at most 200
    characters. ``replaces``: the id of a current file of the same type this one takes the
    place of (更换)."""
    business = _validate_target(declaration, user, material_type)
    item_id = _item_id(declaration, item_id)
    content_type = _validate_file(filename, data)
    pages, remark = clean_pages(pages), clean_remark(remark)
    name = clean_filename(filename, content_type)

    key = storage().put(data)  # outside the transaction: a stored file without a row is harmless
    with _one_change():
        earlier = []
        if replaces not in (None, ""):
            old = _current(declaration, replaces)
            if old.material_type != material_type or old.item_id != item_id:
                raise Invalid("只能用同一类型的材料更换")
            old.replaced = True
            earlier = [old]
        material = Material(
            declaration_id=declaration.id, item_id=item_id, material_type=material_type,
            filename=name, content_type=content_type, size=len(data), sha256=key,
            uploaded_by_id=getattr(user, "id", None), uploaded_at=datetime.now(),
            replaced=False, pages=pages, remark=remark)
        db.session.add(material)
        # Touching the declaration bumps its version: an upload racing a submission (or
        # another upload of the same type) loses with Conflict instead of slipping past.
        declaration.updated_at = datetime.now()
        db.session.flush()
        audit.record("material_upload", target_type="declaration",
                     target_id=declaration.serial_no, user=user, detail={
                         "material_id": material.id, "material_type": material_type,
                         "name": _type_name(business, material_type), "filename": name,
                         "content_type": content_type, "size": len(data), "sha256": key,
                         "pages": pages, "remark": remark,
                         "item_id": item_id, "replaced": [m.id for m in earlier]})
        db.session.commit()
    return material


def remove(declaration, user, material_id) -> Material:
    """Takes one current file off the draft (删除); the stored bytes and the row stay for the
    record, marked replaced. The other files of its type are untouched."""
    business = _validate_target(declaration, user, None)
    with _one_change():
        material = _current(declaration, material_id)
        material.replaced = True
        declaration.updated_at = datetime.now()
        db.session.flush()
        audit.record("material_delete", target_type="declaration",
                     target_id=declaration.serial_no, user=user, detail={
                         "material_id": material.id, "material_type": material.material_type,
                         "name": _type_name(business, material.material_type),
                         "filename": material.filename, "item_id": material.item_id})
        db.session.commit()
    return material


@contextmanager
def _one_change():
    """The block's writes are committed together or not at all; a concurrent change of the
    declaration (its version moved on) is a Conflict, not a 500."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise Conflict() from None
    except BaseException:
        db.session.rollback()
        raise


def clean_pages(raw) -> int | None:
    """页数: empty (not stated) or a whole number of pages, 1–500."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGES:
        raise Invalid(f"页数应为1到{MAX_PAGES}之间的整数")
    return int(text)


def clean_remark(raw) -> str | None:
    """备注: printable text of at most 200 characters; empty is None."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(raw or "")).split())
    if len(text) > MAX_REMARK:
        raise Invalid(f"备注不能超过{MAX_REMARK}个字符")
    return text or None


def _current(declaration, material_id) -> Material:
    try:
        material_id = int(material_id)
    except (TypeError, ValueError):
        material_id = None
    material = db.session.get(Material, material_id) if material_id else None
    if (material is None or material.declaration_id != declaration.id
            or material.replaced):
        raise NotFound("材料不存在或已删除")
    return material


def materials_of(declaration) -> list[Material]:
    """The declaration's current materials (replaced ones left out), oldest first."""
    return list(db.session.scalars(select(Material).where(
        Material.declaration_id == declaration.id, Material.replaced.is_(False))
        .order_by(Material.uploaded_at, Material.id)))


def checklist(declaration) -> list[dict]:
    """For the wizard's materials step and the review page: every type of the business,
    是否必扫, its current files oldest first (``files``), their 页数 in all (``pages``) and the
    latest of them (``material``, None while nothing is uploaded). A type is present once one
    file of it exists."""
    business = registry.get(declaration.business_code)
    files, latest = {}, {}
    for m in materials_of(declaration):
        files.setdefault(m.material_type, []).append(m)
        if m.item_id is None or m.material_type not in latest:
            latest[m.material_type] = m
    return [{"code": t.code, "name": t.name, "required": t.required,
             "material": latest.get(t.code), "files": files.get(t.code, []),
             "pages": sum(m.pages or 0 for m in files.get(t.code, []))}
            for t in business.materials]


def read(material: Material) -> tuple[bytes, str, str]:
    """The file's bytes, its content type and a filename for the download.

    The caller has already checked that the user may see the material's declaration."""
    try:
        data = storage().get(material.sha256)
    except (FileNotFoundError, ValueError):
        raise NotFound("材料文件不存在") from None
    if hashlib.sha256(data).hexdigest() != material.sha256:
        raise NotFound("材料文件已损坏，请重新上传")
    return data, material.content_type, download_name(material)


def download_name(material: Material) -> str:
    """The stored display name, with the extension its content calls for."""
    name = material.filename
    extensions = EXTENSIONS.get(material.content_type, ())
    if extensions and os.path.splitext(name)[1].lower() not in extensions:
        name += extensions[0]
    return name


def clean_filename(filename: str | None, content_type: str) -> str:
    """A name for display only: the last path part (either slash), printable, ≤ 200 chars."""
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".").strip()
    if not name:
        name = "材料" + EXTENSIONS[content_type][0]
    if len(name) > MAX_FILENAME:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[:MAX_FILENAME - len(ext)] + ext
    return name


def _validate_target(declaration, user, material_type):
    """The business, once the user may change this draft's materials (of ``material_type``;
    None: any of its types)."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is not None and unit_id != declaration.unit_id:
        raise NotFound("申报不存在")
    if declaration.status != workflow.DRAFT:
        raise Invalid("材料只能在提交前上传或更换" if material_type else "材料只能在提交前删除")
    business = registry.get(declaration.business_code)
    if material_type is None:
        return business
    if material_type not in {t.code for t in business.materials}:
        raise Invalid(f"“{business.name}”业务没有这种材料类型")
    return business


def _item_id(declaration, item_id):
    if item_id in (None, ""):
        return None
    try:
        item_id = int(item_id)
    except (TypeError, ValueError):
        item_id = None
    if item_id not in {i.id for i in declaration.items}:
        raise Invalid("该人员不属于这笔申报")
    return item_id


def _validate_file(filename, data) -> str:
    if not data:
        raise Invalid("文件为空，请重新选择")
    if len(data) > MAX_SIZE:
        raise Invalid("文件大小不能超过10MB")
    kind = sniff(data)
    extension = os.path.splitext(str(filename or "").strip().rstrip("."))[1].lower()
    named = next((t for t, exts in EXTENSIONS.items() if extension in exts), None)
    if kind is None:
        raise Invalid(f"文件内容与扩展名不符，{ACCEPTED}" if named else ACCEPTED)
    if named is not None and named != kind:
        raise Invalid(f"文件内容与扩展名不符：文件名是{extension}，内容却是{LABELS[kind]}文件")
    return kind


def _type_name(business, code):
    return next(t.name for t in business.materials if t.code == code)
