#!/usr/bin/env python3
"""Model-only throughput of Debian's torch, driven by the featurex bench over stdin/stdout.

Loads the TorchScript model once and preprocesses the given images once (PIL + torchvision, as
python_worker.py does), prints {"ready": ...}, then answers one JSON line per request line:

  {"batch": 8, "variant": "default", "min_seconds": 4, "min_batches": 2}
  -> {"batch": 8, "variant": "default", "images": 24, "seconds": 3.31, "images_per_s": 7.25,
      "peak_rss_bytes": ...}

variants: "default" (NCHW tensors, the model as loaded: what ordinary code does) and
"channels_last" (model and input in torch.channels_last: libtorch's faster CPU path).
One warm-up batch is run and not counted. Peak RSS is reset (/proc/self/clear_refs) before each
request. Interleaving requests with featurex's own measurements is the caller's job.
"""

import argparse
import json
import sys
import time

import torch
from PIL import Image
from torchvision import transforms

import featurex_pb


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("images", nargs="+")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    preprocess = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    pixels = [preprocess(Image.open(p).convert("RGB")) for p in args.images]
    models = {"default": torch.jit.load(args.weights).eval()}
    models["channels_last"] = torch.jit.load(args.weights).eval().to(memory_format=torch.channels_last)
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "images": len(pixels)}), flush=True)

    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        batch, variant = int(req["batch"]), req["variant"]
        model = models[variant]
        x = torch.stack([pixels[i % len(pixels)] for i in range(batch)])
        if variant == "channels_last":
            x = x.contiguous(memory_format=torch.channels_last)
        reset_peak_rss()
        with torch.no_grad():
            model(x)  # warm-up, not counted
            n, start = 0, time.perf_counter()
            while True:
                model(x)
                n += 1
                elapsed = time.perf_counter() - start
                if n >= req.get("min_batches", 2) and elapsed >= req.get("min_seconds", 4.0):
                    break
        print(json.dumps({"batch": batch, "variant": variant, "images": n * batch, "seconds": elapsed,
                          "images_per_s": n * batch / elapsed, "peak_rss_bytes": featurex_pb.peak_rss_bytes()}),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
