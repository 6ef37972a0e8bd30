"""QR codes as inline SVG markup (segno): no image files, no style attributes (CSP)."""

import segno
from markupsafe import Markup


def qr_svg(data, css_class="jali-qr"):
    code = segno.make(data, error="m")
    svg = code.svg_inline(
        scale=1,
        border=2,
        svgclass=css_class,
        lineclass=f"{css_class}-line",
        omitsize=True,
        dark="#000",
        light="#fff",
    )
    return Markup(svg)  # noqa: S704 - segno's own markup of our own URL
