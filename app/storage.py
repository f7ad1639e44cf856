"""File storage for uploaded materials (C22), content-addressed (ARCHITECTURE.md, outside parts).

A file is stored under the SHA-256 of its bytes and fetched by that key only; a key is never
a path a user typed. The local default keeps files under ``UPLOAD_DIR`` (``instance/uploads``,
outside the web root), as ``<root>/ab/cd/<sha256>``.

The interface is the four methods of ``FileStorage``: ``put(data) -> key``, ``get(key) ->
bytes``, ``exists(key)`` and ``path(key)``. Another backend (an object-storage adapter, say)
can implement the same methods later and be returned by ``storage()``; ``path`` is then the
only method that has no meaning and may raise ``NotImplementedError``.
"""
import hashlib
import os
import re
import tempfile
from pathlib import Path

from flask import current_app

_KEY = re.compile(r"[0-9a-f]{64}")


def check_key(key) -> str:
    """The key if it is a SHA-256 hex digest (64 lowercase hex characters), else ValueError."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError("存储键无效")
    return key


class FileStorage:
    """Files on the local disk under ``root``, named by the SHA-256 of their content."""

    def __init__(self, root):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        key = check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, data: bytes) -> str:
        """Stores ``data`` and returns its key. Idempotent: the same content is one file.

        Written to a temporary file in the target folder and moved into place with
        ``os.replace``, so a reader never sees half a file and two writers of the same
        content both end with the same complete file."""
        data = bytes(data)
        key = hashlib.sha256(data).hexdigest()
        target = self.path(key)
        if target.is_file() and target.stat().st_size == len(data):
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o640)
            os.replace(temp, target)
        except BaseException:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
            raise
        return key

    def get(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError when there is no such file."""
        return self.path(key).read_bytes()


def storage() -> FileStorage:
    """The running app's storage, rooted at ``UPLOAD_DIR``."""
    root = current_app.config["UPLOAD_DIR"]
    current = current_app.extensions.get("file_storage")
    if current is None or str(current.root) != str(Path(root)):
        current = current_app.extensions["file_storage"] = FileStorage(root)
    return current
