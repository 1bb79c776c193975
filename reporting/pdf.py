"""HTML to tagged PDF with WeasyPrint, for one audit and for board packs.

Every PDF is PDF/UA-1: tagged (headings become bookmarks, tables keep their headers,
charts carry their <title> as alternative text), with the document's language and title
from the HTML. Text is set in DejaVu, a free font that is embedded in the file.
"""

import functools
import logging
import re
import time

from django.conf import settings

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


def _memoise_page_references():
    """pydyf builds the tuple of every page's reference each time it is asked for one, and
    WeasyPrint asks once per tagged element when it writes the structure tree: the time
    grew with elements x pages (about 0.1 s a page at 100 pages, 0.6 s at 3,000). The
    tuple is kept while the number of pages is the same, which is always the case by the
    time the structure tree is written."""
    import pydyf

    built = pydyf.PDF.page_references
    if getattr(built.fget, "memoised", False):
        return

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        kept = pdf.__dict__.get("_page_references")
        if kept is None or kept[0] != count:
            kept = (count, built.fget(pdf))
            pdf.__dict__["_page_references"] = kept
        return kept[1]

    page_references.memoised = True
    pydyf.PDF.page_references = property(page_references)


# WeasyPrint's user-agent stylesheet gives every element of the document six
# pseudo-elements (::marker and the footnote and note calls and markers) whose styles it
# works out one by one: nearly all the styles it computed for a large pack. Markers
# are drawn only on list items, and these documents have no footnotes or notes, so the
# rules are narrowed to the elements they can apply to; nothing on the page changes.
_PSEUDO_FOR_ALL = (
    ("::marker {", "li::marker, summary::marker {"),
    *(
        (f"::{name} {{", f"[data-note]::{name} {{")
        for name in (
            "footnote-call",
            "footnote-marker",
            "note-call",
            "note-marker",
            "note-callback",
        )
    ),
)


@functools.cache
def _html_class():
    """WeasyPrint's HTML with the user-agent stylesheet narrowed as above."""
    from weasyprint import CSS, HTML
    from weasyprint import html as defaults
    from weasyprint.css.counters import CounterStyle

    text = defaults.UA
    for universal, narrowed in _PSEUDO_FOR_ALL:
        text = text.replace(f"\n{universal}", f"\n{narrowed}")
    # Its counter styles are WeasyPrint's own, defined already: read into a throwaway.
    sheet = CSS(string=text, counter_style=CounterStyle())

    class LeanHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [sheet, defaults.UA_FORM_STYLESHEET] if forms else [sheet]

    return LeanHTML


_PAGE_MESSAGE = re.compile(r"Creating layout - Page (\d+)$")


class _PageCounter(logging.Handler):
    """Hears WeasyPrint lay out each page (first pass only) and reports it."""

    def __init__(self, on_page):
        super().__init__(level=logging.INFO)
        self.on_page = on_page

    def emit(self, record):
        match = _PAGE_MESSAGE.search(record.getMessage())
        if match:
            self.on_page(int(match.group(1)))


def render(html, *, on_page=None):
    """The rendered WeasyPrint document of `html`; `on_page(n)` hears each page laid out."""
    _memoise_page_references()
    progress = logging.getLogger("weasyprint.progress")
    handler = None
    if on_page:
        handler = _PageCounter(on_page)
        progress.addHandler(handler)
        previous = progress.level, progress.propagate
        # Heard here only: a line per page would flood the worker's log.
        progress.setLevel(logging.INFO)
        progress.propagate = False
    try:
        # Links in the document point at the product's own pages.
        return _html_class()(string=html, base_url=f"{settings.SITE_URL}/").render(**PDF_OPTIONS)
    finally:
        if handler:
            progress.removeHandler(handler)
            progress.setLevel(previous[0])
            progress.propagate = previous[1]


def write(document):
    return document.write_pdf(**PDF_OPTIONS)


def html_to_pdf(html, *, on_page=None):
    """(pdf bytes, page count, seconds WeasyPrint took)."""
    start = time.perf_counter()
    document = render(html, on_page=on_page)
    data = write(document)
    return data, len(document.pages), time.perf_counter() - start
