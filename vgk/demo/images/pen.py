"""The pen: drawing in the 100x100 unit space, scaled and shifted onto a (supersampled) image."""
import math

from PIL import Image, ImageDraw, ImageFilter


class Pen:
    """Draws in the 100x100 unit space, scaled and shifted onto an image."""

    def __init__(self, image, scale=1.0, dx=0.0, dy=0.0, origin=(0, 0), size=None):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.size = size or image.width  # the whole canvas, even when `image` is a crop of it
        self.origin = origin
        self.scale, self.dx, self.dy = scale, dx, dy
        self.k = self.size / 100 * scale

    def on(self, image, origin=None):
        return Pen(image, self.scale, self.dx, self.dy, origin or self.origin, self.size)

    def sub(self, scale, dx=0.0, dy=0.0):
        """A pen whose unit space is a smaller (or larger) box centred at (50+dx, 50+dy)."""
        return Pen(self.image, self.scale * scale, (dx + self.dx) / scale, (dy + self.dy) / scale,
                    self.origin, self.size)

    def pt(self, x, y):
        half = self.size / 2
        return (half + (x - 50 + self.dx) * self.k - self.origin[0],
                half + (y - 50 + self.dy) * self.k - self.origin[1])

    def _box(self, x0, y0, x1, y1):
        (a, b), (c, d) = self.pt(x0, y0), self.pt(x1, y1)
        return (min(a, c), min(b, d), max(a, c), max(b, d))

    def _w(self, width):
        return max(1, round(width * self.k))

    def rect(self, x0, y0, x1, y1, fill, radius=0, outline=None, width=0.0):
        box = self._box(x0, y0, x1, y1)
        r = min(radius * self.k, (box[2] - box[0]) / 2, (box[3] - box[1]) / 2)
        w = self._w(width) if outline else 0
        if r >= 1:
            self.draw.rounded_rectangle(box, radius=r, fill=fill, outline=outline, width=w)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=w)

    def ellipse(self, x0, y0, x1, y1, fill, outline=None, width=0.0):
        w = self._w(width) if outline else 0
        self.draw.ellipse(self._box(x0, y0, x1, y1), fill=fill, outline=outline, width=w)

    def circle(self, x, y, r, fill, outline=None, width=0.0):
        self.ellipse(x - r, y - r, x + r, y + r, fill, outline, width)

    def poly(self, points, fill, outline=None, width=0.0):
        pts = [self.pt(x, y) for x, y in points]
        if outline:
            self.draw.polygon(pts, fill=fill, outline=outline, width=self._w(width))
        else:
            self.draw.polygon(pts, fill=fill)

    def line(self, points, fill, width):
        self.draw.line([self.pt(x, y) for x, y in points], fill=fill, width=self._w(width), joint="curve")

    def arc(self, x0, y0, x1, y1, start, end, fill, width):
        self.draw.arc(self._box(x0, y0, x1, y1), start, end, fill=fill, width=self._w(width))

    def chord(self, x0, y0, x1, y1, start, end, fill):
        self.draw.chord(self._box(x0, y0, x1, y1), start, end, fill=fill)

    def pie(self, x0, y0, x1, y1, start, end, fill):
        self.draw.pieslice(self._box(x0, y0, x1, y1), start, end, fill=fill)

    def tilted_ellipse(self, cx, cy, ra, rb, angle, fill):
        cos, sin = math.cos(angle), math.sin(angle)
        pts = []
        for i in range(24):
            t = 2 * math.pi * i / 24
            ex, ey = ra * math.cos(t), rb * math.sin(t)
            pts.append((cx + ex * cos - ey * sin, cy + ex * sin + ey * cos))
        self.poly(pts, fill)

    def shadow(self, cx, cy, rx, ry=2.5, strength=0.32):
        """A soft contact shadow on the floor under an object (blurred small, only where it falls)."""
        x0, y0, x1, y1 = self._box(cx - rx, cy - ry, cx + rx, cy + ry)
        blur = max(2.0, ry * self.k * 0.9)
        left, top = max(0, int(x0 - 3 * blur)), max(0, int(y0 - 3 * blur))
        right, bottom = min(self.image.width, int(x1 + 3 * blur)), min(self.image.height, int(y1 + 3 * blur))
        if right - left < 8 or bottom - top < 8:
            return
        small = Image.new("L", (max(1, (right - left) // 8), max(1, (bottom - top) // 8)), 0)
        ImageDraw.Draw(small).ellipse(
            ((x0 - left) / 8, (y0 - top) / 8, (x1 - left) / 8, (y1 - top) / 8), fill=int(255 * strength)
        )
        small = small.filter(ImageFilter.GaussianBlur(blur / 8))
        mask = small.resize((right - left, bottom - top), Image.Resampling.BILINEAR)
        self.image.paste((40, 34, 30), (left, top, right, bottom), mask)

    def masked(self, shape, pattern):
        """Draw `pattern(pen)` clipped to the area that `shape(pen, fill)` covers."""
        mask = Image.new("L", self.image.size, 0)
        shape(self.on(mask), 255)
        bbox = mask.getbbox()
        if not bbox:
            return
        region = self.image.crop(bbox)
        pattern(self.on(region, (self.origin[0] + bbox[0], self.origin[1] + bbox[1])))
        self.image.paste(region, bbox[:2], mask.crop(bbox))
