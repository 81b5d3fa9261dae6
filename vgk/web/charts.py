"""Tiny server-side charts as inline SVG: no JavaScript, no library, a few hundred bytes each.

Only numbers go into coordinates; every label is escaped. Each chart is an image for assistive
technology (`role="img"` with a `<title>` summarising it); the page shows the figures as text too.
"""
from markupsafe import Markup, escape


def _num(value):
    """A number for a coordinate: at most one decimal, never anything but digits."""
    value = round(float(value), 1)
    return str(int(value)) if value == int(value) else str(value)


def bar_chart(values, title, width=600, height=120):
    """Vertical bars (one per value, e.g. per day) drawn as one path, scaled to the largest value."""
    values = [max(0, float(v)) for v in values]
    top = max(values, default=0) or 1
    step = width / max(len(values), 1)
    bar = max(step * 0.8, 1)
    parts = []
    for index, value in enumerate(values):
        h = value / top * (height - 2)
        if h > 0:
            parts.append(f"M{_num(index * step)} {_num(height - h)}h{_num(bar)}V{height}h-{_num(bar)}z")
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" preserveAspectRatio="none">'
        f"<title>{escape(title)}</title>"
        f'<path d="{"".join(parts)}"/>'
        f'<line x1="0" y1="{height}" x2="{width}" y2="{height}"/></svg>'
    )


def hbar_chart(rows, title, width=600, row_height=22, label_width=230):
    """Horizontal bars, one per (label, value, shown value) row, scaled to the largest value."""
    rows = [(label, max(0, float(value)), shown) for label, value, shown in rows]
    top = max((value for _, value, _ in rows), default=0) or 1
    span = width - label_width - 110
    height = max(len(rows), 1) * row_height
    body = []
    for index, (label, value, shown) in enumerate(rows):
        y = index * row_height
        w = value / top * span
        body.append(
            f'<text x="0" y="{y + 15}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{_num(w)}" height="{row_height - 8}"/>'
            f'<text x="{_num(label_width + w + 6)}" y="{y + 15}">{escape(shown)}</text>'
        )
    return Markup(
        f'<svg class="chart hchart" role="img" viewBox="0 0 {width} {height}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )
