"""Several files per material type, each with 页数 and 备注 (issue 11 §6): the upload form takes
them, the list, 核对 and the reviewer's page show them, a type counts as present once one file
of it exists, and deleting one file of several leaves the others."""
import io
import re

from sqlalchemy import select

from app.audit import AuditLog
from models.declaration import Material
from tests.declarations.flows import (
    ORDINARY, VIP, Employer, Reviewer, new_person_form, png, session_of,
)


def post_file(client, pk, material_type, name, *, pages="1", remark="", content=None):
    return client.post(f"/declare/c1/{pk}/materials/", data={
        "material_type": material_type, "pages": pages, "remark": remark,
        "file": (io.BytesIO(content or png()), name)}, content_type="multipart/form-data")


def current(app, pk) -> list[tuple]:
    with session_of(app) as s:
        return [(m.material_type, m.filename, m.pages, m.remark) for m in s.scalars(
            select(Material).where(Material.declaration_id == pk, Material.replaced.is_(False))
            .order_by(Material.id))]


def material_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="material-file" data-id="(\d+)"', page)]


def test_several_files_of_one_type_with_pages_and_remarks(app, as_user):
    client = as_user(ORDINARY)
    employer = Employer(client, "C1")
    pk = employer.enter(new_person_form(80, name="材料甲"))
    assert post_file(client, pk, "contract", "合同第1页.png", pages="3",
                     remark="劳动合同正文").status_code == 302
    assert post_file(client, pk, "contract", "合同第2页.png", pages="2", remark="补充协议",
                     content=png("red")).status_code == 302
    assert current(app, pk) == [("contract", "合同第1页.png", 3, "劳动合同正文"),
                                ("contract", "合同第2页.png", 2, "补充协议")]
    page = client.get(f"/declare/c1/{pk}/materials/").get_data(as_text=True)
    row = page.split('id="material-contract"')[1].split("</tr>\n    \n")[0]
    for shown in ("合同第1页.png", "合同第2页.png", "劳动合同正文", "补充协议"):
        assert shown in row, shown
    assert re.search(r'class="material-pages">3<', row) and re.search(
        r'class="material-pages">2<', row)

    # 身份证复印件 is still missing; one file of it makes the type present.
    check = client.get(f"/declare/c1/{pk}/check/").get_data(as_text=True)
    assert 'id="missing-materials"' in check and "身份证复印件" in check
    assert "劳动合同" not in check.split('id="missing-materials"')[1].split("</div>")[0]
    post_file(client, pk, "id_card", "身份证.png", pages="", remark="")
    check = employer.check(pk)  # asserts nothing is missing
    for shown in ("合同第1页.png", "合同第2页.png", "劳动合同正文", "补充协议", "身份证.png"):
        assert shown in check, shown


def test_deleting_one_file_of_several_keeps_the_others(app, as_user):
    client = as_user(ORDINARY)
    employer = Employer(client, "C1")
    pk = employer.enter(new_person_form(81, name="材料乙"))
    post_file(client, pk, "contract", "一.png", pages="1")
    post_file(client, pk, "contract", "二.png", pages="1", content=png("blue"))
    page = client.get(f"/declare/c1/{pk}/materials/").get_data(as_text=True)
    first, second = material_ids(page)
    response = client.post(f"/declare/c1/{pk}/materials/{first}/delete/")
    assert response.status_code == 302
    assert current(app, pk) == [("contract", "二.png", 1, None)]
    with session_of(app) as s:
        gone = s.get(Material, first)
        assert gone.replaced is True  # kept for the record
        audit = s.scalar(select(AuditLog).where(AuditLog.action == "material_delete")
                         .order_by(AuditLog.id.desc()))
        assert audit.detail["material_id"] == first and audit.detail["filename"] == "一.png"
    # Deleting it again, or a file of another declaration, is refused; nothing changes.
    again = client.post(f"/declare/c1/{pk}/materials/{first}/delete/", follow_redirects=True)
    assert "材料不存在或已删除" in again.get_data(as_text=True)
    other = employer.enter(new_person_form(82, name="材料丙"))
    client.post(f"/declare/c1/{other}/materials/{second}/delete/")
    assert current(app, pk) == [("contract", "二.png", 1, None)]
    # Once the last file of a required type is gone, the type is missing again.
    client.post(f"/declare/c1/{pk}/materials/{second}/delete/")
    check = client.get(f"/declare/c1/{pk}/check/").get_data(as_text=True)
    assert "劳动合同" in check.split('id="missing-materials"')[1].split("</div>")[0]


def test_bad_pages_and_remarks_are_refused_and_nothing_is_stored(app, as_user):
    client = as_user(ORDINARY)
    pk = Employer(client, "C1").enter(new_person_form(83, name="材料丁"))
    for pages in ("0", "abc", "501", "-1", "1.5"):
        post_file(client, pk, "other", "x.png", pages=pages)
        followed = client.get(f"/declare/c1/{pk}/materials/").get_data(as_text=True)
        assert "页数应为1到500之间的整数" in followed, pages
    post_file(client, pk, "other", "x.png", remark="备" * 201)
    followed = client.get(f"/declare/c1/{pk}/materials/").get_data(as_text=True)
    assert "备注不能超过200个字符" in followed
    assert current(app, pk) == []


def test_another_unit_cannot_delete_and_a_submitted_declaration_keeps_its_files(app, as_user):
    client = as_user(ORDINARY)
    employer = Employer(client, "C1")
    pk = employer.enter(new_person_form(84, name="材料戊"))
    employer.upload_required(pk)
    post_file(client, pk, "other", "其他.png", pages="4", remark="户口本首页")
    ids = material_ids(client.get(f"/declare/c1/{pk}/materials/").get_data(as_text=True))
    stranger = as_user(VIP)
    assert stranger.post(f"/declare/c1/{pk}/materials/{ids[0]}/delete/").status_code == 404
    employer.submit(pk)
    refused = client.post(f"/declare/c1/{pk}/materials/{ids[0]}/delete/",
                          follow_redirects=True).get_data(as_text=True)
    assert "材料只能在提交前删除" in refused
    assert len(current(app, pk)) == 3

    # The reviewer sees every file with its 页数 and 备注.
    reviewer = Reviewer(as_user("reviewer"))
    page = reviewer.claim(pk)
    listed = page.split('id="materials"')[1].split("</table>")[0]
    assert "其他.png" in listed and "户口本首页" in listed
    assert re.search(r'class="material-pages">4<', listed)
    assert "id_card.png" in listed and "contract.png" in listed
