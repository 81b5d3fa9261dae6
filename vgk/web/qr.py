"""QR codes drawn on the server as inline SVG (segno): no script to load, a few hundred bytes."""
import segno
from markupsafe import Markup, escape


def qr_svg(content: str | None, title: str = "") -> Markup | None:
    """An <svg> of the QR code holding `content` (None without content), scaled by CSS (.qr)."""
    if not content:
        return None
    svg = segno.make(content, error="m", micro=False).svg_inline(
        scale=4, border=2, omitsize=True, svgclass="qr", title=str(escape(title)) if title else None)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
