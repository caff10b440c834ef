#!/usr/bin/env python3
"""Large photo-like JPEGs for the benchmark's mixed image set.

Each output is a source image stretched to WIDTHxHEIGHT (bicubic) with mild Gaussian grain, so
that its JPEG carries about as much entropy-coded data as a camera photo of that size (a few
MB at quality 90): decoding cost depends on that, not only on the pixel count.

Usage: /usr/bin/python3 bench/tools/make_large_photos.py --out DIR --size 4000x3000 SRC...
"""

import argparse
import os
import sys

from PIL import Image


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--size", default="4000x3000")
    ap.add_argument("--quality", type=int, default=90)
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    os.makedirs(args.out, exist_ok=True)
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    for src in args.sources:
        stem = os.path.splitext(os.path.basename(src))[0]
        out = os.path.join(args.out, "%s-%dx%d.jpg" % (stem, width, height))
        big = Image.open(src).convert("RGB").resize((width, height), Image.BICUBIC)
        photo = Image.blend(big, grain, 0.15)
        tmp = out + ".tmp"
        photo.save(tmp, "JPEG", quality=args.quality)
        os.replace(tmp, out)
        print("%s %d bytes" % (out, os.path.getsize(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
