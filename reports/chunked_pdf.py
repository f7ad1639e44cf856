"""Print at scale: a long form rendered in chunks of rows, and independent documents, joined
into one PDF (pypdf).

WeasyPrint keeps the whole layout of a document until it is written: a 10,000-row roster held
1.5–2.5 GB and took 47–100 s in one piece. Rendered a few hundred rows at a time, each chunk's
document is dropped (and ``gc.collect()`` run: the layout is full of reference cycles) before
the next one is laid out, so memory stays at one chunk's worth however long the form is.
Python's automatic collection is paused while a chunk is laid out: it would walk the growing
layout again and again for nothing (a chunk is collected as a whole when dropped), and pausing
it makes a chunk ~30 % faster.

Page numbers run on across chunks (第 N 页 共 M 页 on every page, M the whole form's): a chunk
cannot know M before the last one is laid out, so chunks are rendered without the number
(``page_numbers=False``, see base.html), and once every page is known one light document of
as many empty pages carries only the numbers — its own ``counter(page)`` and
``counter(pages)`` are then the form's — and is stamped onto the pages. The stamp uses the
form's print.css, so the number sits where a one-piece render puts it (a template that moved
the page margins would have to say so here).

A template sees ``chunk`` (a ``Chunk``): the header facts belong on ``chunk.first``, totals and
signatures on ``chunk.last``. A one-piece render gets ``WHOLE``, which is both.

A chunk starts a new page, so its last page would often be a short one. A template that marks
each row in its first cell, ``<td>{{ chunk.row_mark(loop.index0) }}…``, avoids that: the rows
WeasyPrint put on a chunk's last page (``Page.anchors``) are dropped with that page and laid
out again at the head of the next chunk, so every page but the form's last is full, as in a
one-piece render.
"""
import gc
import io
import math
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from pypdf import PdfReader, PdfWriter

__all__ = ["Chunk", "WHOLE", "join_documents", "render_chunked"]

Progress = Callable[[int, int], None]
ROW_ID = "chunk-row-"


@dataclass(frozen=True)
class Chunk:
    """Where a chunk lies in the form: ``index`` of ``count`` (from 0), and the position of its
    first row among all rows (``offset``, from 0) so a template can number rows on."""
    index: int = 0
    count: int = 1
    offset: int = 0

    def row_mark(self, position: int) -> Markup:
        """An empty anchor for the first cell of the chunk's row at ``position`` (from 0),
        named by the row's place among all rows. In a cell, not on the ``tr``: an element with
        an id gets a style of its own, and a row's cells would no longer share theirs (a chunk
        took ~18 % longer with ids on the rows, ~6 % with these)."""
        return Markup(f'<a id="{ROW_ID}{self.offset + position}"></a>')

    @property
    def first(self) -> bool:
        return self.index == 0

    @property
    def last(self) -> bool:
        return self.index == self.count - 1


WHOLE = Chunk()  # a form rendered in one piece


def render_chunked(template: str, context_of_rows: Callable[[Sequence, Chunk], dict],
                   rows: Sequence, rows_per_chunk: int = 500, progress: Progress | None = None,
                   output: str | Path | None = None) -> bytes | None:
    """The PDF of form ``template`` over ``rows``, laid out ``rows_per_chunk`` rows at a time.

    ``context_of_rows(chunk_rows, chunk)`` gives a chunk's template context (the whole form's
    facts and totals with this chunk's rows). ``progress(done, total)`` is called after each
    chunk, in rows (those on its kept pages). With ``output`` the PDF is written to that path and None returned."""
    from reports.pdf import render_html

    if rows_per_chunk < 1:
        raise ValueError("rows_per_chunk must be at least 1")
    count = max(1, math.ceil(len(rows) / rows_per_chunk))
    writer, sizes, start = PdfWriter(), [], 0
    for index in range(count):
        # A chunk ends where planned; it starts earlier by the rows the last one handed on.
        end = min((index + 1) * rows_per_chunk, len(rows))
        part = rows[start:end]
        chunk = Chunk(index, count, start)
        html = render_html(template, **{**context_of_rows(part, chunk), "chunk": chunk,
                                        "page_numbers": False})
        with _collection_paused():
            document = _layout(html)
            pages = document.pages
            handed_on = None if chunk.last else _rows_of_short_page(pages, start)
            if handed_on is not None:
                pages = pages[:-1]
                document = document.copy(pages)
            sizes.extend((page.width, page.height) for page in pages)
            pdf = document.write_pdf()
            del document, html, part, pages
        writer.append(PdfReader(io.BytesIO(pdf)))
        del pdf
        start = end if handed_on is None else handed_on
        if progress is not None:
            progress(start, len(rows))  # the rows on pages that are final
    _stamp_page_numbers(writer, sizes)
    return _write(writer, output)


def _rows_of_short_page(pages, start: int) -> int | None:
    """The first row on the last of a chunk's ``pages``, to lay out again at the head of the
    next chunk; None to keep the page (one page only, or rows not marked with ``row_mark``)."""
    if len(pages) < 2:
        return None
    marked = [int(name[len(ROW_ID):]) for name in pages[-1].anchors
              if name.startswith(ROW_ID) and name[len(ROW_ID):].isdigit()]
    first = min(marked, default=None)
    return first if first is not None and first > start else None


def join_documents(documents: Iterable[bytes | str | Path], progress: Progress | None = None,
                   total: int | None = None, output: str | Path | None = None) -> bytes | None:
    """Independent documents (each a PDF's bytes or path, e.g. 1,000 certificates, each with its
    own page numbers if any) one after another in one PDF. ``documents`` may be a generator
    that renders each on demand: only the joined result is kept. ``progress(done, total)``
    after each document (``total`` as given, or the count so far)."""
    writer = PdfWriter()
    for done, document in enumerate(documents, 1):
        source = io.BytesIO(document) if isinstance(document, bytes) else str(document)
        writer.append(PdfReader(source))
        del document, source
        if done % 50 == 0:
            gc.collect()
        if progress is not None:
            progress(done, total or done)
    gc.collect()
    return _write(writer, output)


_paused = 0  # renders under way that paused the collector (threads of one process share it)
_was_enabled = True  # the collector's state before the first of them paused it
_paused_lock = threading.Lock()


@contextmanager
def _collection_paused():
    """No automatic garbage collection inside; one full collection after: what a chunk leaves
    is freed at once (without it RSS climbs chunk after chunk). The collector is turned back on
    when the last render that paused it is done, and only if it was on before."""
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
        gc.collect()


def _layout(html: str):
    """WeasyPrint's laid-out document of ``html``, reading only reports/templates."""
    from weasyprint import HTML

    from reports.pdf import TEMPLATES, _local_fetcher

    return HTML(string=html, base_url=TEMPLATES.as_uri() + "/",
                url_fetcher=_local_fetcher()).render()


def _stamp_page_numbers(writer: PdfWriter, sizes: list[tuple[float, float]]) -> None:
    """Lay 第 N 页 共 M 页 over each of the joined pages (see the module's docstring)."""
    from reports.pdf import render_html

    kinds = {size: f"size{n}" for n, size in enumerate(dict.fromkeys(sizes))}
    html = render_html("_page_numbers.html", kinds=kinds,
                       pages=[kinds[size] for size in sizes])
    with _collection_paused():
        document = _layout(html)
        numbers = PdfReader(io.BytesIO(document.write_pdf()))
        del document
    if len(numbers.pages) != len(writer.pages):  # would number the wrong pages
        raise RuntimeError(f"page numbers for {len(numbers.pages)} pages, "
                           f"the form has {len(writer.pages)}")
    for page, stamp in zip(writer.pages, numbers.pages):
        page.merge_page(stamp)


def _write(writer: PdfWriter, output) -> bytes | None:
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    if output is not None:
        with open(output, "wb") as file:
            writer.write(file)
        writer.close()
        return None
    buffer = io.BytesIO()
    writer.write(buffer)
    writer.close()
    return buffer.getvalue()
