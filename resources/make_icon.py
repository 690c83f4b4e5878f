"""Draws PipeScope's icon (resources/pipescope.png, 256x256): two process lanes and a message
arrow between them. Pure Python, no imaging library.

    python3 resources/make_icon.py resources/pipescope.png
"""
import math
import struct
import sys
import zlib

SIZE = 256
SUPER = 3  # samples per pixel side, for anti-aliasing


def inside(x, y):
    """The colour (r, g, b, a) of the point (x, y) in a 0..1 square."""
    # Rounded square background.
    r = 0.16
    cx, cy = min(max(x, r), 1 - r), min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return (0, 0, 0, 0)
    colour = (27, 58, 107, 255)
    # Two lanes.
    for lane_y in (0.3, 0.7):
        if abs(y - lane_y) < 0.055 and 0.12 < x < 0.88:
            colour = (90, 170, 90, 255) if lane_y < 0.5 else (240, 168, 74, 255)
    # The arrow: a thick line from (0.3, 0.36) to (0.66, 0.62) and its head.
    ax, ay, bx, by = 0.28, 0.37, 0.64, 0.6
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy)
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (length * length)))
    if math.hypot(x - (ax + t * dx), y - (ay + t * dy)) < 0.028:
        colour = (255, 255, 255, 255)
    ux, uy = dx / length, dy / length
    px, py = x - bx, y - by
    along = px * ux + py * uy
    across = abs(-px * uy + py * ux)
    if -0.13 < along < 0.04 and across < (0.04 - along) * 0.62:
        colour = (255, 255, 255, 255)
    return colour


def main(path):
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
    main(sys.argv[1])
