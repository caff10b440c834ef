#!/usr/bin/env python3
"""Pillow's decode + resize time per image, the reference featurex's decoders are timed against
(io.featurex.worker.bench.DecodeTimes runs this as a child process on the same files).

For each file, read into memory once, then per run, on this one thread: Image.open on the bytes,
convert('RGB'), torchvision's Resize(256) (the shorter side to 256 with PIL BILINEAR, the longer
int(256 * long / short)) and CenterCrop(224) (offsets rounded half to even), written with PIL
alone as torchvision 0.14 does it on PIL images, so no torch is needed. Decoding is forced
(crop copies the pixels). Runs the warm-ups, then times the runs with time.perf_counter.

Prints one JSON line per file, then a summary line:
  {"file": "a.jpg", "width": 4000, "height": 3000, "runs": 5, "mean_ms": 310.2, "median_ms": 309.8}
  {"done": true, "files": 2, "pillow": "9.4.0", "libjpeg_turbo": "2.1.5", "cpu": 0}

Usage (Debian bookworm: apt-get install python3-pil):
  /usr/bin/python3 bench/peers/pillow_decode.py [--warmups 1] [--runs 5] [--cpu N] FILE...
--cpu pins the process to that core (os.sched_setaffinity) so it runs on one core only.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time

import PIL
from PIL import Image, features

SIZE = 224
SHORT = 256


def network_input(data):
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    long_side = int(SHORT * max(w, h) / min(w, h))
    size = (SHORT, long_side) if w <= h else (long_side, SHORT)
    if size != img.size:
        img = img.resize(size, Image.BILINEAR)
    top = int(round((size[1] - SIZE) / 2.0))
    left = int(round((size[0] - SIZE) / 2.0))
    return img.crop((left, top, left + SIZE, top + SIZE))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warmups", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpu", type=int, default=None)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.warmups < 0:
        ap.error("--runs must be >= 1 and --warmups >= 0")
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    for path in args.files:
        with open(path, "rb") as f:
            data = f.read()
        for _ in range(args.warmups):
            network_input(data)
        ms = []
        for _ in range(args.runs):
            start = time.perf_counter()
            network_input(data)
            ms.append((time.perf_counter() - start) * 1000.0)
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
        print(json.dumps({"file": path, "width": width, "height": height, "runs": args.runs,
                          "mean_ms": statistics.fmean(ms), "median_ms": statistics.median(ms)}), flush=True)
    print(json.dumps({"done": True, "files": len(args.files), "pillow": PIL.__version__,
                      "libjpeg_turbo": features.version("libjpeg_turbo"), "cpu": args.cpu}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
