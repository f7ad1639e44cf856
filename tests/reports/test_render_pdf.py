"""The rendering machinery: template lookup, the page footer, and WeasyPrint kept offline."""
import pytest

from reports.pdf import TEMPLATES, UnknownTemplate, _local_fetcher, page_footer, render_pdf


def test_unknown_template_raises_a_clear_error():
    with pytest.raises(UnknownTemplate, match="没有名为“no_such_form”的打印模板"):
        render_pdf("no_such_form")


def test_page_footer_is_css_content_with_page_counters():
    assert page_footer() == '"第 " counter(page) " 页 共 " counter(pages) " 页"'


def test_fetcher_reads_the_stylesheet_only():
    fetcher = _local_fetcher()
    stylesheet = fetcher.fetch((TEMPLATES / "print.css").as_uri())
    try:
        assert b"@page" in stylesheet.read()
    finally:
        stylesheet.close()
    for url in ("http://127.0.0.1:9/x.css", "https://example.com/logo.png",
                "ftp://example.com/x", "file:///etc/passwd",
                (TEMPLATES / ".." / ".." / "config.py").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
