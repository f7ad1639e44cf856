"""The content-addressed file storage (app/storage.py): keys, paths, atomic writes, web root."""
import hashlib
import os
from pathlib import Path

import pytest

from app.storage import FileStorage, storage


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_stores_by_content_hash(tmp_path):
    store = FileStorage(tmp_path)
    data = b"%PDF-1.4\nhello\n%%EOF\n"
    key = store.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert store.path(key) == tmp_path / key[:2] / key[2:4] / key
    assert store.path(key).read_bytes() == data
    assert store.exists(key) and store.get(key) == data


def test_same_content_twice_is_one_file(tmp_path):
    store = FileStorage(tmp_path)
    first = store.put(b"same bytes")
    second = store.put(bytearray(b"same bytes"))
    other = store.put(b"other bytes")
    assert first == second != other
    assert files_under(tmp_path) == sorted([store.path(first), store.path(other)])


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(tmp_path, monkeypatch):
    store = FileStorage(tmp_path)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.put(b"never stored")
    monkeypatch.undo()
    assert files_under(tmp_path) == []
    assert not store.exists(hashlib.sha256(b"never stored").hexdigest())


@pytest.mark.parametrize("key", [
    "../../etc/passwd", "/etc/passwd", "", "ab", "A" * 64, "g" * 64, "0" * 63, "0" * 65,
    "0" * 62 + "/a", "..\\" + "0" * 61, None, 123,
])
def test_keys_that_are_not_a_sha256_are_refused(tmp_path, key):
    store = FileStorage(tmp_path)
    with pytest.raises(ValueError):
        store.get(key)
    with pytest.raises(ValueError):
        store.path(key)
    with pytest.raises(ValueError):
        store.exists(key)


def test_missing_file_is_not_found(tmp_path):
    store = FileStorage(tmp_path)
    assert not store.exists("0" * 64)
    with pytest.raises(FileNotFoundError):
        store.get("0" * 64)


def test_app_storage_is_the_upload_dir_outside_the_web_root(app):
    with app.app_context():
        store = storage()
        assert store is storage()  # one instance per app
        root = Path(app.config["UPLOAD_DIR"]).resolve()
        assert store.root.resolve() == root
        static = Path(app.static_folder).resolve()
        assert static != root and static not in root.parents
        key = store.put(b"stored through the app")
        assert root in store.path(key).resolve().parents
        assert static not in store.path(key).resolve().parents


def test_default_upload_dir_is_under_instance():
    import config

    upload = Path(config.Config.UPLOAD_DIR)
    assert upload == config.INSTANCE_DIR / "uploads"
    assert "static" not in upload.parts
