"""PDFs read back with poppler-utils (TESTING.md: check generated PDFs by their text). The tools are
installed by `make setup`; a missing one fails the test with the package to install."""
import shutil
import subprocess

import pytest


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found: install Debian's poppler-utils (`make system-deps`)")
    return path


@pytest.fixture
def pdf_text(tmp_path):
    """``pdf_text(pdf_bytes)`` → the text of ``pdftotext -layout``; pages split by form feeds."""

    def read(pdf: bytes, layout: bool = True) -> str:
        path = tmp_path / "form.pdf"
        path.write_bytes(pdf)
        mode = "-layout" if layout else "-raw"
        return subprocess.run([_tool("pdftotext"), mode, str(path), "-"], check=True,
                              capture_output=True, text=True).stdout

    return read


@pytest.fixture
def pdf_fonts(tmp_path):
    """``pdf_fonts(pdf_bytes)`` → the font rows of ``pdffonts`` (name, type, …, emb, sub, uni)."""

    def read(pdf: bytes) -> list[list[str]]:
        path = tmp_path / "fonts.pdf"
        path.write_bytes(pdf)
        out = subprocess.run([_tool("pdffonts"), str(path)], check=True, capture_output=True,
                             text=True).stdout
        return [line.split() for line in out.splitlines()[2:] if line.strip()]

    return read

