#!/usr/bin/env python3
"""INT8 VGG16 notop + global average pooling for featurex (model.precision=int8).

Post-training static quantization (FX graph mode): weights int8 per output channel (symmetric),
activations uint8 per tensor, their ranges observed on the user's own images; the final global
average pooling stays float32. The input is a
float32 TorchScript module with the structure featurex loads (torchvision `vgg16().features` +
AdaptiveAvgPool2d(1) + Flatten(1): tools/golden/export_torchvision_vgg16.py or
bench/tools/export_seeded_vgg16.py write one); its weights are copied into an eager torchvision
VGG16, which FX can trace (a TorchScript module cannot be re-traced by FX).

The output is a traced TorchScript module, float32 in, float32 out (quantize and dequantize are
inside the graph), holding one extra file, `featurex.json`: precision int8, the preprocessing the
calibration images went through (what the worker must use), the quantized engine and activation
range the model was calibrated for, the digest of the source weights and of the calibration set
(sha256 over the sorted sha256 of each image file, so renaming or reordering files keeps it).

Why onednn with full-range activations: on CPUs with VNNI (AVX-512 VNNI or AVX-VNNI) libtorch's
default quantized engine (x86) runs convolutions with symmetric int8 weights through oneDNN,
whose u8*s8 products cannot overflow; fbgemm's reduce_range (7-bit activations) exists for CPUs
without VNNI, where VPMADDUBSW can saturate. `--engine x86` or `fbgemm` (where this torch has
them) calibrate with reduce_range, but on an AVX2-only EPYC that measured no better: the tests'
width/8 file reached cosine 0.984 on gray16.png with 8-bit activations and 0.9845 with 7. The
worker's probe check decides on each CPU.

Usage (Debian's python3-torch 1.13 installs for /usr/bin/python3):
    /usr/bin/python3 tools/int8/quantize_vgg16.py --weights vgg16.torchscript.pt \
        --calibration DIR --preprocessing torch --out vgg16-int8.torchscript.pt
"""

import argparse
import base64
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torchvision
from PIL import Image

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
INPUT_SIZE = 224
CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)
TORCH_MEAN_RGB = np.array([0.485, 0.456, 0.406], dtype=np.float32)
TORCH_STD_RGB = np.array([0.229, 0.224, 0.225], dtype=np.float32)
EXTRA_FILE = "featurex.json"


class VGG16FeaturesAvg(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)

    def forward(self, x):
        return self.flatten(self.avgpool(self.features(x)))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def calibration_files(folder):
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise SystemExit("no images (%s) under %s" % (", ".join(sorted(IMAGE_SUFFIXES)), folder))
    return files


def calibration_digest(files):
    """Content only: the same images under other names or in another order give the same digest."""
    lines = sorted(sha256_file(p) for p in files)
    return "sha256:" + hashlib.sha256("".join(d + "\n" for d in lines).encode()).hexdigest()


def pixels(path, mode):
    """featurex's decode stage up to the network's input size: caffe is Keras' load_img (224x224,
    nearest), torch is torchvision's Resize(256) + CenterCrop(224). HWC uint8 RGB."""
    img = Image.open(path).convert("RGB")
    if mode == "caffe":
        if img.size != (INPUT_SIZE, INPUT_SIZE):
            img = img.resize((INPUT_SIZE, INPUT_SIZE), Image.NEAREST)
    else:
        w, h = img.size
        short, long_ = (w, h) if w <= h else (h, w)
        resized_long = int(256 * long_ / short)
        size = (256, resized_long) if w <= h else (resized_long, 256)
        img = img.resize(size, Image.BILINEAR)
        left = int(round((img.size[0] - INPUT_SIZE) / 2.0))
        top = int(round((img.size[1] - INPUT_SIZE) / 2.0))
        img = img.crop((left, top, left + INPUT_SIZE, top + INPUT_SIZE))
    return np.asarray(img, dtype=np.uint8)


def tensor(rgb, mode):
    """The preprocessing mode's float math on HWC uint8 RGB: NCHW float32."""
    if mode == "caffe":
        x = rgb.astype(np.float32)[..., ::-1] - CAFFE_MEAN_BGR
    else:
        x = (rgb.astype(np.float32) / 255.0 - TORCH_MEAN_RGB) / TORCH_STD_RGB
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))


def preprocess(path, mode):
    return tensor(pixels(path, mode), mode)


def vgg16_features(divisor):
    """torchvision's VGG16 configuration "D", every layer's width divided (featurex's model.width-divisor)."""
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    return torchvision.models.vgg.make_layers([c if c == "M" else c // divisor for c in cfg])


def fp32_model(weights, seed, divisor):
    """The eager network with the TorchScript file's weights (or torchvision's seeded init)."""
    if weights is None:
        torch.manual_seed(seed)
        if divisor == 1:
            features = torchvision.models.vgg16().features
        else:
            features = vgg16_features(divisor)
            for m in features.modules():
                if isinstance(m, nn.Conv2d):  # torchvision's own VGG initialisation
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    nn.init.constant_(m.bias, 0)
        return VGG16FeaturesAvg(features).eval(), "random:seed=%d" % seed
    scripted = torch.jit.load(str(weights), map_location="cpu")
    state = {k: v for k, v in scripted.state_dict().items()}
    if any(v.dtype != torch.float32 for v in state.values()):
        raise SystemExit("%s does not hold float32 weights: quantize from the float32 export" % weights)
    first = state.get("features.0.weight")
    if first is None or 64 % first.shape[0] != 0:
        raise SystemExit("%s is not VGG16 features + pooling (no features.0.weight of 64/N channels)" % weights)
    model = VGG16FeaturesAvg(vgg16_features(64 // first.shape[0]))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise SystemExit("%s is not VGG16 features + pooling (missing %s, unexpected %s)"
                         % (weights, missing, unexpected))
    return model.eval(), "sha256:" + sha256_file(weights)


def cosines(a, b):
    a = a.double()
    b = b.double()
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = ap.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights", type=Path, help="float32 TorchScript VGG16 features + pooling")
    source.add_argument("--seed", type=int, help="torchvision's seeded initialisation instead (tests, bench)")
    ap.add_argument("--calibration", type=Path, required=True, help="folder of images (searched recursively)")
    ap.add_argument("--preprocessing", choices=["caffe", "torch"], required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--engine", default="onednn", help="quantized engine to calibrate for (default onednn)")
    ap.add_argument("--max-images", type=int, default=256, help="calibrate on at most this many (first by name)")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--width-divisor", type=int, default=1, help="with --seed: a narrower network (tests)")
    ap.add_argument("--probes", type=int, default=4,
                    help="calibration images whose pixels and float32 vectors go into the file: the worker "
                         "refuses to start unless its int8 vectors agree with them")
    args = ap.parse_args(argv)

    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    if args.engine not in torch.backends.quantized.supported_engines:
        raise SystemExit("quantized engine %s not in this torch (%s): %s"
                         % (args.engine, torch.__version__, torch.backends.quantized.supported_engines))
    torch.backends.quantized.engine = args.engine
    torch.set_num_threads(args.threads)

    files = calibration_files(args.calibration)
    digest = calibration_digest(files)
    used = files[: args.max_images]
    model, weights_digest = fp32_model(args.weights, args.seed, args.width_divisor)
    for p in model.parameters():
        p.requires_grad_(False)

    # The global average runs in float32, after the last dequantize: pooled in uint8, every
    # component of the 512-d output would be rounded to one of 256 steps of a scale shared by the
    # whole vector, while the mean of 49 quantized values in float keeps most of their precision.
    # On the bench's seeded VGG16 that alone took recall@10 against the float32 index from 0.964
    # to 0.987 and min cosine from 0.99932 to 0.99959, at no measurable cost (it is 0.02% of the work).
    mapping = (
        get_default_qconfig_mapping(args.engine)
        .set_module_name("avgpool", None)
        .set_module_name("flatten", None)
    )
    qconfig = mapping.global_qconfig
    activation = qconfig.activation()
    weight = qconfig.weight()
    if weight.qscheme not in (torch.per_channel_symmetric, torch.per_channel_affine):
        raise SystemExit("the %s default qconfig is not per-channel: %s" % (args.engine, weight.qscheme))
    example = torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    prepared = prepare_fx(model, mapping, (example,))
    reference = []
    with torch.no_grad():
        for i in range(0, len(used), args.batch):
            x = torch.stack([preprocess(p, args.preprocessing) for p in used[i : i + args.batch]])
            reference.append(model(x))
            prepared(x)
            print("calibrated on %d/%d images" % (min(i + args.batch, len(used)), len(used)), file=sys.stderr)
    quantized = convert_fx(prepared).eval()
    with torch.no_grad():
        traced = torch.jit.trace(quantized, example)
    meta = {
        "precision": "int8",
        "preprocessing": args.preprocessing,
        "qengine": args.engine,
        "activations": "quint8 per tensor, reduce_range=%s, %s"
        % (bool(activation.reduce_range), type(activation).__name__),
        "weights": "qint8 per channel %s" % str(weight.qscheme).replace("torch.", ""),
        "pooling": "float32 (the global average after the last dequantize)",
        "source_weights": weights_digest,
        "calibration_digest": digest,
        "calibration_images": len(used),
        "calibration_files": len(files),
        "width_divisor": 64 // model.features[0].out_channels,
        "torch": torch.__version__,
    }
    # Why pixels and not tensors: the worker preprocesses them itself, so the check covers its
    # preprocessing too; base64 because DJL hands extra files over as Java strings.
    probe_rgb = [pixels(p, args.preprocessing) for p in used[: args.probes]]
    with torch.no_grad():
        probe_fp32 = model(torch.stack([tensor(rgb, args.preprocessing) for rgb in probe_rgb]))
    meta["probes"] = [
        {"rgb": base64.b64encode(rgb.tobytes()).decode("ascii"), "fp32": [float(v) for v in vec]}
        for rgb, vec in zip(probe_rgb, probe_fp32)
    ]
    tmp = str(args.out) + ".tmp"
    torch.jit.save(traced, tmp, _extra_files={EXTRA_FILE: json.dumps(meta, sort_keys=True)})
    os.replace(tmp, args.out)

    # The saved file against the float32 network on the calibration images.
    extra = {EXTRA_FILE: ""}
    loaded = torch.jit.load(str(args.out), _extra_files=extra).eval()
    assert json.loads(extra[EXTRA_FILE])["precision"] == "int8"
    worst = 1.0
    with torch.no_grad():
        for i, ref in zip(range(0, len(used), args.batch), reference):
            x = torch.stack([preprocess(p, args.preprocessing) for p in used[i : i + args.batch]])
            worst = min(worst, cosines(ref, loaded(x)).min().item())
    del meta["probes"]
    print("wrote %s: %s" % (args.out, json.dumps(meta, sort_keys=True)))
    print("min cosine vs float32 over the %d calibration images: %.6f" % (len(used), worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
