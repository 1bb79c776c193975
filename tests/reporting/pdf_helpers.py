"""Reading the PDFs the product makes: text, tags, outline and alternative text."""

import io
import re

from pypdf import PdfReader


def reader(data):
    return PdfReader(io.BytesIO(data))


def text_of(data):
    """All the text, with runs of white space made single spaces (lines wrap in the PDF)."""
    pdf = reader(data)
    text = " ".join(page.extract_text() or "" for page in pdf.pages)
    return re.sub(r"\s+", " ", text)


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def outline_titles(data):
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(reader(data).outline))


def structure_elements(data):
    """Every element of the structure tree as (tag, element dictionary)."""
    root = reader(data).trailer["/Root"]
    tree = root["/StructTreeRoot"].get_object()
    found = []

    def visit(node):
        node = node.get_object()
        if isinstance(node, dict) and "/S" in node:
            found.append((str(node["/S"]), node))
        kids = node.get("/K") if isinstance(node, dict) else None
        if kids is None:
            return
        kids = kids.get_object()
        if isinstance(kids, list):
            for kid in kids:
                kid = kid.get_object()
                if isinstance(kid, dict):
                    visit(kid)
        elif isinstance(kids, dict):
            visit(kids)

    visit(tree)
    return found


def headings_in(html):
    return re.findall(r"<h([1-6])[\s>]", html)


def fonts_of(data):
    """{font name: embedded?} for every font the pages use."""
    fonts = {}
    for page in reader(data).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"]).split("+")[-1]] = embedded
    return fonts
