"""电子材料 (C22) below the web layer: accepted by content, size-limited, replaced, audited."""
import hashlib
import io
import itertools
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.declarations import commands, materials
from app.errors import Invalid, NotFound
from app.storage import storage
from models.audit import AuditLog
from models.declaration import Material
from models.user import ShebaoUser
from rules.id_number import normalize

THIS_MONTH = date.today().strftime("%Y-%m")
_seq = itertools.count(40)  # ID numbers of their own, below 100

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def image(fmt: str, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), color).save(buffer, format=fmt)
    return buffer.getvalue()


PNG, JPEG = image("PNG"), image("JPEG")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def new_id(seq: int) -> str:
    body = f"37010219900101{seq:02d}1"
    from stdnum.iso7064 import mod_11_2

    return normalize(body + mod_11_2.calc_check_digit(body))


def payload(seq: int) -> dict:
    return {"id_number": new_id(seq), "name": "材料测试", "gender": "male",
            "birth_date": "1990-01-01", "retirement_category": "male", "phone": "13912345678",
            "employment_form": "合同制", "person_category": "城镇职工",
            "add_reason": "新参加工作", "start_month": THIS_MONTH, "insurances": "110,310",
            "wage": "6000"}


@pytest.fixture
def db(app):
    from app.extensions import db

    with app.test_request_context():
        yield db


def user(db, name):
    return db.session.scalar(select(ShebaoUser).where(ShebaoUser.username == name))


@pytest.fixture
def employer(db):
    return user(db, "37010000001")


@pytest.fixture
def draft(db, employer):
    """A fresh C1 (参保登记) draft; C1 needs 身份证复印件 and 劳动合同, 其他材料 optional."""
    return commands.create(employer.unit_id, "C1", employer, payload(next(_seq)))


def count_materials(db, declaration) -> int:
    return db.session.scalar(select(func.count(Material.id)).where(
        Material.declaration_id == declaration.id))


def test_sniff_reads_the_content_only():
    assert materials.sniff(PNG) == "image/png"
    assert materials.sniff(JPEG) == "image/jpeg"
    assert materials.sniff(PDF) == "application/pdf"
    for other in (EXE, HTML, SVG, b"", b"%PD", b"GIF89a", b" %PDF-1.4"):
        assert materials.sniff(other) is None


@pytest.mark.parametrize("filename, data, content_type", [
    ("身份证.png", PNG, "image/png"),
    ("身份证.JPG", JPEG, "image/jpeg"),
    ("身份证.jpeg", JPEG, "image/jpeg"),
    ("身份证.pdf", PDF, "application/pdf"),
])
def test_each_accepted_type_is_stored(db, employer, draft, filename, data, content_type):
    m = materials.upload(draft, employer, "id_card", filename, data)
    assert m.id and (m.declaration_id, m.material_type, m.item_id) == (draft.id, "id_card", None)
    assert (m.filename, m.content_type, m.size) == (filename, content_type, len(data))
    assert m.sha256 == hashlib.sha256(data).hexdigest()
    assert m.uploaded_by_id == employer.id and m.replaced is False and m.uploaded_at
    assert storage().get(m.sha256) == data
    assert materials.read(m) == (data, content_type, filename)
    row = db.session.scalar(select(AuditLog).where(
        AuditLog.action == "material_upload", AuditLog.target_id == draft.serial_no))
    assert row.detail["material_id"] == m.id and row.detail["sha256"] == m.sha256
    assert row.user_id == employer.id and row.unit_id == employer.unit_id


def test_the_content_decides_when_the_name_names_no_accepted_type(employer, draft):
    m = materials.upload(draft, employer, "other", "扫描件.tif", PNG)
    assert m.content_type == "image/png"
    assert materials.read(m)[2] == "扫描件.tif.png"
    m = materials.upload(draft, employer, "contract", "合同", PDF)
    assert m.content_type == "application/pdf" and materials.read(m)[2] == "合同.pdf"


@pytest.mark.parametrize("filename, data", [
    ("证明.pdf", PNG), ("证明.png", JPEG), ("证明.jpg", PDF), ("证明.PDF", JPEG),
])
def test_a_renamed_file_is_refused(db, employer, draft, filename, data):
    with pytest.raises(Invalid, match="文件内容与扩展名不符"):
        materials.upload(draft, employer, "id_card", filename, data)
    assert count_materials(db, draft) == 0


@pytest.mark.parametrize("filename, data, message", [
    ("setup.exe", EXE, "仅支持jpg、png、pdf格式"),
    ("page.html", HTML, "仅支持jpg、png、pdf格式"),
    ("logo.svg", SVG, "仅支持jpg、png、pdf格式"),
    ("scan.gif", b"GIF89a\x01\x00\x01\x00", "仅支持jpg、png、pdf格式"),
    ("合同.pdf", EXE, "文件内容与扩展名不符"),
    ("photo.png", SVG, "文件内容与扩展名不符"),
    ("photo.jpg", HTML, "文件内容与扩展名不符"),
])
def test_other_content_is_refused(db, employer, draft, filename, data, message):
    with pytest.raises(Invalid, match=message) as refused:
        materials.upload(draft, employer, "id_card", filename, data)
    assert "仅支持jpg、png、pdf格式" in refused.value.message
    assert count_materials(db, draft) == 0


def test_empty_file_is_refused(db, employer, draft):
    with pytest.raises(Invalid, match="文件为空"):
        materials.upload(draft, employer, "id_card", "空.pdf", b"")
    assert count_materials(db, draft) == 0


def test_size_limit_is_10_mb(db, employer, draft):
    limit = 10 * 1024 * 1024
    assert materials.MAX_SIZE == limit
    too_big = PDF + b"\0" * (limit + 1 - len(PDF))
    with pytest.raises(Invalid, match="文件大小不能超过10MB"):
        materials.upload(draft, employer, "id_card", "大.pdf", too_big)
    assert count_materials(db, draft) == 0
    assert not storage().exists(hashlib.sha256(too_big).hexdigest())
    m = materials.upload(draft, employer, "id_card", "刚好.pdf", too_big[:limit])
    assert m.size == limit


def test_material_type_must_be_one_of_the_business(db, employer, draft):
    for wrong in ("termination", "change_proof", "passport", "", "../x"):
        with pytest.raises(Invalid, match="没有这种材料类型"):
            materials.upload(draft, employer, wrong, "a.pdf", PDF)
    assert count_materials(db, draft) == 0


def test_replacing_keeps_the_old_file_as_replaced(db, employer, draft):
    assert commands.missing_materials(draft) == ["身份证复印件", "劳动合同"]
    first = materials.upload(draft, employer, "id_card", "旧.png", PNG)
    assert commands.missing_materials(draft) == ["劳动合同"]
    newer = materials.upload(draft, employer, "id_card", "新.jpg", JPEG, replaces=first.id)
    db.session.refresh(first)
    assert first.replaced is True and newer.replaced is False
    assert [m.id for m in materials.materials_of(draft)] == [newer.id]
    assert commands.missing_materials(draft) == ["劳动合同"]
    contract = materials.upload(draft, employer, "contract", "合同.pdf", PDF)
    assert commands.missing_materials(draft) == []
    assert [m.id for m in materials.materials_of(draft)] == [newer.id, contract.id]
    audit = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "material_upload", AuditLog.target_id == draft.serial_no)
        .order_by(AuditLog.id)).all()
    assert [a.detail["replaced"] for a in audit] == [[], [first.id], []]
    assert materials.read(first)[0] == PNG  # the replaced file is kept for the record


def test_checklist_lists_every_type_with_what_is_uploaded(employer, draft):
    listed = materials.checklist(draft)
    assert [(c["code"], c["name"], c["required"], c["material"]) for c in listed] == [
        ("id_card", "身份证复印件", True, None), ("contract", "劳动合同", True, None),
        ("other", "其他材料", False, None)]
    m = materials.upload(draft, employer, "other", "其他.pdf", PDF)
    again = materials.upload(draft, employer, "other", "其他2.pdf", PDF + b"2")
    listed = {c["code"]: c["material"] for c in materials.checklist(draft)}
    assert listed == {"id_card": None, "contract": None, "other": again}
    assert m.id != again.id


def test_upload_after_submit_is_refused(db, employer, draft):
    materials.upload(draft, employer, "id_card", "身份证.png", PNG)
    materials.upload(draft, employer, "contract", "合同.pdf", PDF)
    commands.submit(draft, employer)
    assert draft.status == "submitted"
    before = count_materials(db, draft)
    for code in ("id_card", "other"):
        with pytest.raises(Invalid, match="材料只能在提交前上传或更换"):
            materials.upload(draft, employer, code, "晚了.pdf", PDF + b"late")
    assert count_materials(db, draft) == before
    assert len(materials.materials_of(draft)) == 2


def test_upload_after_void_is_refused(employer, draft):
    commands.void(draft, employer)
    with pytest.raises(Invalid, match="材料只能在提交前上传或更换"):
        materials.upload(draft, employer, "id_card", "a.pdf", PDF)


def test_another_units_user_cannot_upload(db, draft):
    other = user(db, "37010000002")
    assert other.unit_id != draft.unit_id
    with pytest.raises(NotFound):
        materials.upload(draft, other, "id_card", "a.pdf", PDF)
    assert count_materials(db, draft) == 0


def test_item_must_belong_to_the_declaration(db, employer, draft):
    own = draft.items[0].id
    m = materials.upload(draft, employer, "id_card", "本人.pdf", PDF, item_id=str(own))
    assert m.item_id == own
    with pytest.raises(Invalid, match="不属于这笔申报"):
        materials.upload(draft, employer, "id_card", "别人.pdf", PDF, item_id=own + 10_000)
    with pytest.raises(Invalid, match="不属于这笔申报"):
        materials.upload(draft, employer, "id_card", "别人.pdf", PDF, item_id="x")


def test_same_bytes_twice_are_one_stored_file(employer, draft):
    data = image("PNG", color=(1, 2, 3))
    a = materials.upload(draft, employer, "id_card", "a.png", data)
    b = materials.upload(draft, employer, "other", "b.png", data)
    assert a.sha256 == b.sha256 and a.id != b.id
    path = storage().path(a.sha256)
    siblings = [p for p in path.parent.iterdir()]
    assert siblings == [path]


def test_filenames_are_sanitized_for_display(employer, draft):
    cases = {
        "C:\\Users\\张三\\Desktop\\身份证.png": "身份证.png",
        "../../etc/passwd.png": "passwd.png",
        "  扫描\x00件\r\n.png ": "扫描件.png",
        "/": "材料.png",
        "": "材料.png",
        "a" * 300 + ".png": "a" * 196 + ".png",
    }
    for raw, shown in cases.items():
        m = materials.upload(draft, employer, "other", raw, PNG)
        assert m.filename == shown
        assert len(m.filename) <= 200


def test_a_failed_database_write_leaves_no_row(db, employer, draft, monkeypatch):
    old = materials.upload(draft, employer, "id_card", "旧.png", PNG)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(materials.audit, "record", broken)
    with pytest.raises(RuntimeError):
        materials.upload(draft, employer, "id_card", "新.pdf", PDF + b"new")
    monkeypatch.undo()
    db.session.expire_all()
    rows = db.session.scalars(select(Material).where(
        Material.declaration_id == draft.id)).all()
    assert [(m.id, m.replaced) for m in rows] == [(old.id, False)]
    assert draft.status == "draft"
    # The session is usable again afterwards.
    assert materials.upload(draft, employer, "id_card", "再试.pdf", PDF + b"new").id


def test_reading_a_missing_or_altered_file_is_not_found(db, employer, draft):
    m = materials.upload(draft, employer, "id_card", "a.pdf", PDF + b"altered")
    path = storage().path(m.sha256)
    path.write_bytes(b"%PDF-1.4 something else")
    with pytest.raises(NotFound, match="已损坏"):
        materials.read(m)
    path.unlink()
    with pytest.raises(NotFound, match="不存在"):
        materials.read(m)


def test_an_upload_racing_another_change_loses_with_conflict(app, db, employer, draft):
    stale = draft  # loaded in this request's session
    with app.app_context():  # another request, another session
        other = commands.load(stale.id, employer, employer.unit_id)
        first = materials.upload(other, employer, "id_card", "先.png", PNG)
        first_id = first.id
    with pytest.raises(commands.Conflict):
        materials.upload(stale, employer, "id_card", "后.pdf", PDF + b"race")
    assert [m.id for m in materials.materials_of(stale)] == [first_id]
