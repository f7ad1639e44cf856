"""Printed forms (F1–F5) as PDF: Jinja templates in ``reports/templates`` rendered by WeasyPrint.

``reports.pdf`` is the entry point (``render_pdf``, ``declaration_pdf``, ``load_lookups``). Nothing
is imported here, so importing the package does not pull in WeasyPrint (about half a second);
views import ``reports.pdf`` inside the request that prints.
"""
