"""QR codes of survey links, as SVG so a poster prints crisply at any size."""

import segno


def qr_svg(url, *, title, scale=8, standalone=False):
    """The QR code of `url` as SVG: inline for a page, or a standalone file to download.

    Error correction level M survives a creased or slightly smudged print.
    """
    code = segno.make(url, error="m", micro=False)
    if standalone:
        import io

        out = io.BytesIO()
        code.save(out, kind="svg", scale=scale, border=4, title=title)
        return out.getvalue()
    svg = code.svg_inline(scale=scale, border=4, title=title, svgclass="app-qr", omitsize=True)
    # A picture with a name for screen readers; the title element carries it.
    return svg.replace("<svg ", '<svg role="img" ', 1)
