"""Draws PipeScope's icon: two process lanes and a message arrow between them. Pure Python, no
imaging library. A PNG of SIZE pixels (256 by default), or with a .svg name the same drawing as
the scalable icon.

    python3 resources/make_icon.py resources/pipescope.png
    for size in 16 22 24 32 48 64 128 256 512; do
      python3 resources/make_icon.py resources/icons/pipescope-$size.png $size
    done
    python3 resources/make_icon.py resources/icons/pipescope.svg
"""
import math
import struct
import sys
import zlib

SIZE = 256
SUPER = 3
BACKGROUND = (27, 58, 107)
LANES = ((0.3, (90, 170, 90)), (0.7, (240, 168, 74)))
CORNER = 0.16
LANE_HALF_HEIGHT = 0.055
ARROW = (0.28, 0.37, 0.64, 0.6)  # from (x, y) to (x, y)
ARROW_HALF_WIDTH = 0.028
HEAD_BACK, HEAD_TIP, HEAD_SLOPE = 0.13, 0.04, 0.62  # samples per pixel side, for anti-aliasing


def inside(x, y):
    """The colour (r, g, b, a) of the point (x, y) in a 0..1 square."""
    # Rounded square background.
    r = CORNER
    cx, cy = min(max(x, r), 1 - r), min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return (0, 0, 0, 0)
    colour = BACKGROUND + (255,)
    # Two lanes.
    for lane_y, lane_colour in LANES:
        if abs(y - lane_y) < LANE_HALF_HEIGHT and 0.12 < x < 0.88:
            colour = lane_colour + (255,)
    # The arrow: a thick line and its head.
    ax, ay, bx, by = ARROW
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy)
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (length * length)))
    if math.hypot(x - (ax + t * dx), y - (ay + t * dy)) < ARROW_HALF_WIDTH:
        colour = (255, 255, 255, 255)
    ux, uy = dx / length, dy / length
    px, py = x - bx, y - by
    along = px * ux + py * uy
    across = abs(-px * uy + py * ux)
    if -HEAD_BACK < along < HEAD_TIP and across < (HEAD_TIP - along) * HEAD_SLOPE:
        colour = (255, 255, 255, 255)
    return colour


def svg():
    """The same drawing as an SVG of 256 units."""
    def u(v):
        return '%.2f' % (v * 256)

    def rgb(c):
        return '#%02x%02x%02x' % c

    ax, ay, bx, by = ARROW
    length = math.hypot(bx - ax, by - ay)
    ux, uy = (bx - ax) / length, (by - ay) / length
    back_half = (HEAD_TIP + HEAD_BACK) * HEAD_SLOPE
    tip = (bx + HEAD_TIP * ux, by + HEAD_TIP * uy)
    base = (bx - HEAD_BACK * ux, by - HEAD_BACK * uy)
    head = [tip, (base[0] - back_half * uy, base[1] + back_half * ux),
            (base[0] + back_half * uy, base[1] - back_half * ux)]
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" '
             'viewBox="0 0 256 256">',
             '  <rect width="256" height="256" rx="%s" fill="%s"/>' % (u(CORNER), rgb(BACKGROUND))]
    for lane_y, colour in LANES:
        parts.append('  <rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>' % (
            u(0.12), u(lane_y - LANE_HALF_HEIGHT), u(0.76), u(2 * LANE_HALF_HEIGHT), rgb(colour)))
    parts.append('  <line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ffffff" stroke-width="%s" '
                 'stroke-linecap="round"/>' % (u(ax), u(ay), u(bx), u(by),
                                               u(2 * ARROW_HALF_WIDTH)))
    parts.append('  <polygon points="%s" fill="#ffffff"/>' %
                 ' '.join('%s,%s' % (u(x), u(y)) for x, y in head))
    parts.append('</svg>')
    return '\n'.join(parts) + '\n'


def main(path, size=SIZE):
    if path.endswith('.svg'):
        with open(path, 'w') as out:
            out.write(svg())
        return
    SIZE = size
    rows = []
    for j in range(SIZE):
        row = bytearray([0])
        for i in range(SIZE):
            acc = [0, 0, 0, 0]
            for sj in range(SUPER):
                for si in range(SUPER):
                    c = inside((i + (si + 0.5) / SUPER) / SIZE, (j + (sj + 0.5) / SUPER) / SIZE)
                    a = c[3]
                    acc[0] += c[0] * a
                    acc[1] += c[1] * a
                    acc[2] += c[2] * a
                    acc[3] += a
            alpha = acc[3] / (SUPER * SUPER)
            if acc[3]:
                row += bytes([round(acc[0] / acc[3]), round(acc[1] / acc[3]),
                              round(acc[2] / acc[3]), round(alpha)])
            else:
                row += bytes(4)
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + \
            struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)

    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b'')
    with open(path, 'wb') as out:
        out.write(png)


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else SIZE)
