"""The WeasyPrint set-up every PDF of the product shares."""

import re

from reporting import pdf

from .pdf_helpers import text_of


def test_lists_keep_their_markers_with_the_narrowed_user_agent_stylesheet():
    # Markers are the only universal pseudo-element rule the documents need; narrowed to
    # list items, numbered and bulleted lists must still show their numbers and bullets.
    html = (
        '<html lang="en-GB"><head><title>Lists</title></head><body>'
        "<ol><li>First principle</li><li>Second principle</li></ol>"
        "<ul><li>An overdue review</li></ul><p>No marker here</p></body></html>"
    )
    data, pages, _ = pdf.html_to_pdf(html)
    text = text_of(data)
    assert pages == 1
    # The tagged PDF keeps each list's markers apart from its items' text.
    for item in ("First principle", "Second principle", "An overdue review", "No marker here"):
        assert item in text
    assert re.findall(r"\d\.|•", text) == ["1.", "2.", "•"]


def test_the_user_agent_stylesheet_gives_no_pseudo_element_to_every_element():
    # Each pseudo-element matched is a style WeasyPrint works out for every element.
    from cssselect2 import ElementWrapper
    from tinyhtml5 import parse

    sheet = pdf._html_class()(string="<p>x</p>")._ua_stylesheets()[0]
    root = ElementWrapper.from_html_root(
        parse("<ol><li>x</li></ol><p>x</p><table><tr><td>x</td></tr></table>")
    )
    matched = {
        element.local_name: {pseudo for _, _, pseudo, _ in sheet.matcher.match(element)}
        for element in root.iter_subtree()
    }
    assert matched["p"] == matched["td"] == {None}
    assert matched["li"] == {None, "marker"}
