#!/usr/bin/env python3
"""pngcheck.py - is a rendered picture more than a blank page?

usage: pngcheck.py FILE.png [MIN_COVER]

Decodes the PNG (8-bit RGB or RGBA, as Chromium writes its screenshots)
with the standard library only, then counts the pixels that differ from
the most common colour (the background) and the distinct colours.  Fails
(exit 1) when less than MIN_COVER (default 0.05) of the picture differs
from its background or it has fewer than 8 colours: a blank page, an error
page in one colour, or a picture that did not draw.
"""
import struct
import sys
import zlib


def decode(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG (depth %d, colour type %d)" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    at = 0
    for _ in range(h):
        ftype = raw[at]
        line = bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xff
        elif ftype == 2:
            line = bytearray((a + b) & 0xff for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xff
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xff
        elif ftype != 0:
            raise ValueError("bad PNG filter %d" % ftype)
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    path = sys.argv[1]
    min_cover = float(sys.argv[2]) if len(sys.argv) > 2 else 0.05
    w, h, bpp, rows = decode(path)
    counts = {}
    for line in rows:
        for i in range(0, len(line), bpp):
            px = line[i:i + 3]
            counts[px] = counts.get(px, 0) + 1
    bg, nbg = max(counts.items(), key=lambda kv: kv[1])
    cover = 1 - nbg / float(w * h)
    print("%s: %dx%d, %d colours, %.1f%% not background %s" %
          (path, w, h, len(counts), 100 * cover, bg.hex()))
    if cover < min_cover or len(counts) < 8:
        print("%s: looks blank" % path)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
