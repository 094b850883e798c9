#!/usr/bin/env python3
"""svgcheck.py - spry's SVG pictures checked as an XML parser sees them.

usage: svgcheck.py FILE.svg [--folded FILE] [--columns N] [--min-columns N]
                            [--flames N] [--heatmaps N] [--bars N]
                            [--dom FILE --search REGEX] [--zoomed NAME]

The document must be well-formed XML with an <svg> root whose size covers
every panel.  Then, per panel:

flame graph (<g class="flame">): every frame is a <g class="f"> with a
  title, a rect and a value (data-v); the root spans the panel; a frame's
  width is its value at the panel's scale; each frame sits one row above
  the frame it grows from and inside its x range; siblings abut from their
  parent's left edge, in name order (thinner than 0.1 px are not drawn, so
  only such gaps are allowed) and their widths add up to no more than their
  parent's.  With --folded (the same data as folded lines), every drawn
  frame's value is the sum of the folded lines through it, and a parent's
  width is exactly its children's widths plus its own samples'.
heat map (<g class="heatmap">): one <g class="col"> per print (data-cols;
  --columns N: exactly N), in time order, each one cell wide, cells in the
  bucket rows data-lo..data-hi with the counts in data-v.
bar chart (<g class="bars">): one bar per bucket data-lo..data-hi, heights
  in proportion to the counts.

--dom FILE --search REGEX: FILE is the document as Chromium left it after
  running its script with ?s=REGEX in the URL (--dump-dom): the frames
  whose names match are magenta, the others keep their colour, and the
  "Matched:" percentage is the share of the panel those frames cover.
--zoomed NAME: FILE (--dom) was loaded with ?z=NAME: that frame spans the
  panel, frames above it keep their proportions, the others are hidden or
  (below it) dimmed.

Prints what it checked; exits 1 with the first problem found.
"""
import argparse
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
EPS = 0.011          # coordinates are written with two decimals
FRAME_H = 17
MIN_W = 0.1


class Bad(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Bad(msg)


def cls(e):
    return (e.get("class") or "").split()


def groups(root, name):
    return [g for g in root.iter(NS + "g") if name in cls(g)]


def frame_name(g):
    t = g.find(NS + "title").text or ""
    return t[:t.rindex(" (")]


KIND_ORDER = {"r": 0, "s": 0, "u": 1, "k": 2}


def frames_of(panel):
    out = []
    for g in groups(panel, "f"):
        r = g.find(NS + "rect")
        check(r is not None and g.find(NS + "title") is not None,
              "a frame without rect or title")
        out.append({
            "g": g, "rect": r, "name": frame_name(g), "kind": g.get("data-k"),
            "v": int(g.get("data-v")), "x": float(r.get("x")),
            "y": float(r.get("y")), "w": float(r.get("width")),
            "kids": [], "parent": None,
        })
    return out


def link(frames):
    """Parents by geometry: one row below, covering the x range."""
    by_y = {}
    for f in frames:
        by_y.setdefault(round(f["y"], 2), []).append(f)
    roots = [f for f in frames if f["kind"] == "r"]
    check(len(roots) == 1, "%d root frames" % len(roots))
    for f in frames:
        if f["kind"] == "r":
            continue
        below = by_y.get(round(f["y"] + FRAME_H, 2), [])
        ps = [p for p in below
              if p["x"] - EPS <= f["x"] and f["x"] + f["w"] <= p["x"] + p["w"] + 2 * EPS]
        check(len(ps) == 1, "frame %r at x=%.2f y=%.2f sits on %d frames"
              % (f["name"], f["x"], f["y"], len(ps)))
        f["parent"] = ps[0]
        ps[0]["kids"].append(f)
    return roots[0]


def path_of(f):
    p = []
    while f["parent"] is not None:
        p.append(f["name"])
        f = f["parent"]
    return tuple(reversed(p))


def check_flame(panel, folded):
    X = float(panel.get("data-x"))
    W = float(panel.get("data-w"))
    total = int(panel.get("data-total"))
    frames = frames_of(panel)
    check(frames, "a flame graph without frames")
    root = link(frames)
    check(root["v"] == total, "root value %d, panel total %d" % (root["v"], total))
    check(abs(root["x"] - X) <= EPS and abs(root["w"] - W) <= EPS,
          "the root does not span the panel")
    scale = W / total
    for f in frames:
        check(abs(f["w"] - f["v"] * scale) <= EPS,
              "frame %r: width %.2f for value %d (expected %.2f)"
              % (f["name"], f["w"], f["v"], f["v"] * scale))
        check(f["w"] >= MIN_W - EPS, "frame %r thinner than %.1f px" % (f["name"], MIN_W))
        kids = sorted(f["kids"], key=lambda k: k["x"])
        at = f["x"]
        for a, b in zip(kids, kids[1:]):
            check((a["name"], KIND_ORDER[a["kind"]]) <= (b["name"], KIND_ORDER[b["kind"]]),
                  "children of %r not in name order: %r before %r"
                  % (f["name"], a["name"], b["name"]))
        # only frames too thin to draw may leave gaps: together no wider
        # than the value the drawn children leave over (a parent's own
        # samples, and its thin children's)
        undrawn = (f["v"] - sum(k["v"] for k in kids)) * scale
        gaps = 0.0
        for k in kids:
            gap = k["x"] - at
            check(-EPS <= gap, "children of %r overlap at %r" % (f["name"], k["name"]))
            gaps += max(gap, 0.0)
            check(gaps <= undrawn + EPS * (1 + len(kids)),
                  "a gap of %.2f px before %r, where %.2f px are not drawn"
                  % (gap, k["name"], undrawn))
            at = k["x"] + k["w"]
        sum_w = sum(k["w"] for k in kids)
        check(sum_w <= f["w"] + EPS * (1 + len(kids)),
              "children of %r are %.2f px wide, more than its %.2f"
              % (f["name"], sum_w, f["w"]))
        check(sum(k["v"] for k in kids) <= f["v"],
              "children of %r count more than it" % f["name"])
    if folded is not None:
        sums, ends = {}, {}
        for line in folded:
            stack, n = line.rsplit(" ", 1)
            p = tuple(stack.split(";"))
            ends[p] = ends.get(p, 0) + int(n)
            for i in range(1, len(p) + 1):
                sums[p[:i]] = sums.get(p[:i], 0) + int(n)
        check(sum(ends.values()) == total, "folded total %d, SVG %d"
              % (sum(ends.values()), total))
        for f in frames:
            if f["kind"] == "r":
                continue
            p = path_of(f)
            check(sums.get(p) == f["v"], "frame %s: %d in the SVG, %s folded"
                  % (";".join(p), f["v"], sums.get(p)))
            self_w = ends.get(p, 0) * scale
            kids_w = sum(k["w"] for k in f["kids"])
            drawn = sum(k["v"] for k in f["kids"])
            undrawn = sum(n for q, n in sums.items()
                          if len(q) == len(p) + 1 and q[:-1] == p) - drawn
            check(abs(kids_w + self_w + undrawn * scale - f["w"])
                  <= EPS * (2 + len(f["kids"])),
                  "frame %s: children %.2f + own %.2f px != %.2f"
                  % (";".join(p), kids_w, self_w, f["w"]))
    print("flame graph: %d frames, total %d, layout ok%s"
          % (len(frames), total, ", values match the folded lines" if folded else ""))
    return frames


def check_heat(panel, columns, min_columns):
    n = int(panel.get("data-cols"))
    lo, hi = int(panel.get("data-lo")), int(panel.get("data-hi"))
    cols = groups(panel, "col")
    check(len(cols) == n, "%d columns, data-cols says %d" % (len(cols), n))
    if columns is not None:
        check(n == columns, "%d columns, expected one per print: %d" % (n, columns))
    if min_columns is not None:
        check(n >= min_columns, "%d columns, expected at least %d" % (n, min_columns))
    ts = [float(c.get("data-t")) for c in cols]
    check(ts == sorted(ts), "columns out of time order")
    xs, width, cells, most = [], None, 0, 0
    for c in cols:
        rects = c.findall(NS + "rect")
        x = {round(float(r.get("x")), 2) for r in rects}
        check(len(x) <= 1, "a column's cells are not in one column")
        for r in rects:
            w = float(r.get("width"))
            check(width is None or abs(w - width) <= EPS, "cells of different widths")
            width = w
            b = int(r.get("data-b"))
            check(lo <= b <= hi, "a cell in bucket %d outside %d..%d" % (b, lo, hi))
            most = max(most, int(r.get("data-v")))
            cells += 1
        if x:
            xs.append(x.pop())
    check(xs == sorted(xs) and len(set(xs)) == len(xs), "columns overlap or go back")
    check(most == int(panel.get("data-max")), "largest cell %d, data-max %s"
          % (most, panel.get("data-max")))
    print("heat map: %d columns, buckets %d..%d, %d cells, layout ok" % (n, lo, hi, cells))


def check_bars(panel):
    lo, hi = int(panel.get("data-lo")), int(panel.get("data-hi"))
    bars = groups(panel, "bar")
    check(len(bars) == hi - lo + 1, "%d bars for buckets %d..%d" % (len(bars), lo, hi))
    ratio = None
    for b in bars:
        v = int(b.get("data-v"))
        h = float(b.find(NS + "rect").get("height"))
        if v:
            r = h / v
            check(ratio is None or abs(r - ratio) * v <= EPS * 2,
                  "bar heights not in proportion to counts")
            ratio = r
        else:
            check(h <= EPS, "an empty bucket with a bar")
    print("bar chart: %d bars, heights in proportion" % len(bars))


def check_dom(path, search, zoomed):
    text = open(path, encoding="utf-8").read()
    # Chromium's --dump-dom serializes the SVG document as HTML would
    root = ET.fromstring(text[text.index("<svg"):text.rindex("</svg>") + 6])
    for panel in groups(root, "flame"):
        W = float(panel.get("data-w"))
        frames = frames_of(panel)
        if search is not None:
            rx = re.compile(search)
            hits = []
            for f in frames:
                magenta = f["rect"].get("fill") == "rgb(225,0,225)"
                check(magenta == bool(rx.search(f["name"])),
                      "frame %r %s marked" % (f["name"], "wrongly" if magenta else "not"))
                if magenta:
                    hits.append(f)
            check(hits, "the search %r matched nothing" % search)
            hits.sort(key=lambda f: (f["x"], -f["w"]))
            covered, end = 0.0, -1.0
            for f in hits:
                a, b = max(f["x"], end), f["x"] + f["w"]
                if b > a:
                    covered += b - a
                    end = b
            want = "Matched: %.1f%%" % (100 * covered / W)
            got = [t.text for t in panel.iter(NS + "text") if "matched" in cls(t)]
            check(got and got[0] == want, "the script says %r, expected %r" % (got, want))
            print("search %r: %d frames marked, %s" % (search, len(hits), want))
        if zoomed is not None:
            X = float(panel.get("data-x"))
            z = [f for f in frames if f["name"] == zoomed and "hidden" not in cls(f["g"])
                 and "parent" not in cls(f["g"]) and abs(f["x"] - X) <= EPS
                 and abs(f["w"] - W) <= EPS]
            check(z, "no frame %r spans the panel after the zoom" % zoomed)
            z = max(z, key=lambda f: f["y"])
            shown = [f for f in frames if "hidden" not in cls(f["g"])]
            for f in shown:
                if f["y"] > z["y"]:
                    check("parent" in cls(f["g"]), "a frame below the zoomed one not dimmed")
                elif f["y"] < z["y"]:
                    check(abs(f["w"] - f["v"] * W / z["v"]) <= 0.02,
                          "frame %r not scaled with the zoom" % f["name"])
            check(len(shown) < len(frames), "the zoom hid nothing")
            print("zoom %r: spans the panel, %d of %d frames shown"
                  % (zoomed, len(shown), len(frames)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("svg")
    ap.add_argument("--folded")
    ap.add_argument("--columns", type=int)
    ap.add_argument("--min-columns", type=int)
    ap.add_argument("--flames", type=int)
    ap.add_argument("--heatmaps", type=int)
    ap.add_argument("--bars", type=int)
    ap.add_argument("--dom")
    ap.add_argument("--search")
    ap.add_argument("--zoomed")
    a = ap.parse_args()
    try:
        try:
            root = ET.parse(a.svg).getroot()
        except ET.ParseError as e:
            raise Bad("not well-formed XML: %s" % e)
        check(root.tag == NS + "svg", "the root element is %s, not svg" % root.tag)
        h = float(root.get("height"))
        check(float(root.get("width")) == 1200, "width %s" % root.get("width"))
        for r in root.iter(NS + "rect"):
            y, rh = float(r.get("y", 0)), float(r.get("height", 0))
            check(y + rh <= h + 1, "a rect ends at %.1f, below the picture's %.0f" % (y + rh, h))
        folded = None
        if a.folded:
            folded = [l for l in open(a.folded, encoding="utf-8").read().splitlines() if l]
        flames = groups(root, "flame")
        heats = groups(root, "heatmap")
        bars = groups(root, "bars")
        for want, got, what in ((a.flames, flames, "flame graphs"),
                                (a.heatmaps, heats, "heat maps"), (a.bars, bars, "bar charts")):
            check(want is None or len(got) == want,
                  "%d %s, expected %s" % (len(got), what, want))
        for p in flames:
            check_flame(p, folded)
        for p in heats:
            check_heat(p, a.columns, a.min_columns)
        for p in bars:
            check_bars(p)
        if a.dom:
            check_dom(a.dom, a.search, a.zoomed)
    except Bad as e:
        print("%s: %s" % (a.svg, e))
        return 1
    print("%s: ok" % a.svg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
