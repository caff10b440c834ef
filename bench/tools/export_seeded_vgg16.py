#!/usr/bin/env python3
"""Seeded full-width VGG16 feature extractor as TorchScript, for the benchmark.

torch.manual_seed(SEED); torchvision.models.vgg16() (torchvision's own initialisation, no
download) -> .features + AdaptiveAvgPool2d(1) + Flatten(1), traced with torch.jit.trace: the
same structure as tools/golden/export_torchvision_vgg16.py exports with ImageNet weights, so
featurex (--model-weights FILE, torch preprocessing) and the Python peers run the same
computation on the same weights. Throughput does not depend on the weights' values.

--precision bf16 writes the same weights cast to bfloat16, with the casts inside the graph
(float32 input -> bfloat16 -> network -> float32 output), so a float32 caller such as
featurex's model loader runs the network in bfloat16 unchanged.

Usage: /usr/bin/python3 bench/tools/export_seeded_vgg16.py --out FILE [--seed 0] [--precision fp32|bf16]
"""

import argparse
import os
import sys

import torch
import torch.nn as nn
import torchvision


class VGG16FeaturesAvg(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)

    def forward(self, x):
        return self.flatten(self.avgpool(self.features(x)))


class Bfloat16(nn.Module):
    """float32 in and out, bfloat16 inside."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner.to(torch.bfloat16)

    def forward(self, x):
        return self.inner(x.to(torch.bfloat16)).float()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    args = ap.parse_args(argv)

    torch.manual_seed(args.seed)
    model = VGG16FeaturesAvg(torchvision.models.vgg16().features).eval()
    if args.precision == "bf16":
        model = Bfloat16(model).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    with torch.no_grad():
        traced = torch.jit.trace(model, torch.zeros(1, 3, 224, 224))
    tmp = args.out + ".tmp"
    torch.jit.save(traced, tmp)
    os.replace(tmp, args.out)  # never leave a half-written file where the cache looks
    print("wrote %s (%s, torch %s, torchvision %s, seed %d)"
          % (args.out, args.precision, torch.__version__, torchvision.__version__, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
