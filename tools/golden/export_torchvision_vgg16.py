#!/usr/bin/env python3
"""Export torchvision's ImageNet VGG16 feature extractor as TorchScript for featurex.

Needs internet access the first time (torchvision downloads the ImageNet weights
into its cache, ~528 MB) - it is NOT run by the golden-data generator.

The exported module is ``vgg16(ImageNet weights).features`` followed by
``AdaptiveAvgPool2d(1)`` and ``Flatten(1)``, i.e. input (N, 3, 224, 224) float32
NCHW, RGB, torchvision-normalised -> output (N, 512), the same structure as
``worker/src/test/resources/golden/weights/vgg16-w8.torchscript.pt`` at full width.
It is traced with ``torch.jit.trace`` (no optimize_for_inference, no freezing).

Usage:
    python3 tools/golden/export_torchvision_vgg16.py [--out vgg16-features-avg.torchscript.pt]
"""

import argparse
import hashlib
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


def load_vgg16_imagenet():
    """torchvision >= 0.13 uses weights=..., older releases pretrained=True."""
    models = torchvision.models
    weights_enum = getattr(models, "VGG16_Weights", None)
    if weights_enum is not None:
        return models.vgg16(weights=weights_enum.IMAGENET1K_V1), "VGG16_Weights.IMAGENET1K_V1"
    return models.vgg16(pretrained=True), "pretrained=True"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="vgg16-features-avg.torchscript.pt", help="output TorchScript file")
    args = ap.parse_args(argv)

    vgg, how = load_vgg16_imagenet()
    model = VGG16FeaturesAvg(vgg.features).eval()
    for p in model.parameters():
        p.requires_grad_(False)

    example = torch.zeros(1, 3, 224, 224, dtype=torch.float32)
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
    torch.jit.save(traced, args.out)

    # sanity checks: reload, batch 1 and 3, traced == eager
    loaded = torch.jit.load(args.out).eval()
    g = torch.Generator().manual_seed(0)
    for n in (1, 3):
        x = torch.randn(n, 3, 224, 224, generator=g)
        with torch.no_grad():
            a = loaded(x)
            b = model(x)
        if tuple(a.shape) != (n, 512):
            raise SystemExit("unexpected output shape %s" % (tuple(a.shape),))
        d = (a - b).abs().max().item()
        if d > 1e-4:
            raise SystemExit("traced/eager mismatch: max abs diff %g" % d)

    print("torch %s, torchvision %s, weights: %s" % (torch.__version__, torchvision.__version__, how))
    print("wrote %s" % args.out)
    print("sha256 %s" % sha256_file(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
