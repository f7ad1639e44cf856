"""Printed forms (F1–F5) as PDF: Jinja templates in ``reports/templates`` rendered by WeasyPrint.

``reports.pdf`` is the entry point (``render_pdf``, ``declaration_pdf``, ``load_lookups``). Nothing
is imported here, so importing the package does not pull in WeasyPrint (about half a second);
views import ``reports.pdf`` inside the request that prints.

``reports.chunked_pdf`` prints at scale: a long form laid out in chunks of rows and joined with
page numbers running on (``render_chunked``; declaration_pdf uses it above CHUNK_ROWS rows), and
independent documents joined into one (``join_documents``). ``reports.contribution_form`` is
the 社会保险费申报表 (F2).
"""
