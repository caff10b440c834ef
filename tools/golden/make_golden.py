#!/usr/bin/env python3
"""Generate the featurex golden test data with an independent implementation.

Everything here is computed with PIL / numpy / PyTorch / torchvision / h5py, i.e.
without any featurex or DJL code, so the Java tests can prove that featurex
reproduces Keras ``VGG16(include_top=False, pooling='avg')`` with
``preprocess_input`` (caffe mode) and the classic torchvision eval transform.

Run (Debian packages python3-torch python3-torchvision python3-h5py python3-pil
python3-numpy, which install for /usr/bin/python3):

    /usr/bin/python3 tools/golden/make_golden.py

Output: worker/src/test/resources/golden/  (see the README.md written there).
The script is deterministic: re-running it on the same machine / package
versions reproduces every output byte (the manifest lists sha256 of each file).
"""

import gzip
import hashlib
import io
import json
import os
import platform
import re
import shutil
import sys
from collections import OrderedDict

import h5py
import numpy as np
import PIL
import torch
import torch.nn as nn
import torchvision
from PIL import Image, ImageDraw
from torchvision import transforms
from torchvision.models.vgg import cfgs as VGG_CFGS
from torchvision.models.vgg import make_layers

# --------------------------------------------------------------------------
# constants
# --------------------------------------------------------------------------
REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(REPO, "worker", "src", "test", "resources", "golden")
GEN_COMMAND = "/usr/bin/python3 tools/golden/make_golden.py"

WIDTH_DIV = 8
WEIGHT_SEED = 1234
BIAS_STD = 0.01
IMAGE_SEED_BASE = 20240601
INPUT_SIZE = 224
TENSOR_GZIP = True          # tensors are stored as gzip'ed raw float32 (.f32.gz)
# To stay around 4 MB, the network-input tensors of these two plain RGB PNGs are not
# stored (their vectors are); every other image has tensors for both modes.
TENSOR_SKIP_STEMS = ("rgb-portrait", "rgb-224")

CAFFE_MEAN_BGR = [103.939, 116.779, 123.68]
TORCH_MEAN_RGB = [0.485, 0.456, 0.406]
TORCH_STD_RGB = [0.229, 0.224, 0.225]

# torchvision vgg16().features indices of the 13 convs / 5 pools, and the
# Keras layer names of the same layers.
KERAS_LAYERS = []  # (keras_name, torch_index, kind)


def _keras_layer_table():
    cfg = VGG_CFGS["D"]
    idx, block, conv_in_block = 0, 1, 0
    table = []
    for v in cfg:
        if v == "M":
            table.append(("block%d_pool" % block, idx, "pool"))
            idx += 1
            block += 1
            conv_in_block = 0
        else:
            conv_in_block += 1
            table.append(("block%d_conv%d" % (block, conv_in_block), idx, "conv"))
            idx += 2  # Conv2d + ReLU
    return table


KERAS_LAYERS = _keras_layer_table()

CAFFE_RECIPE = """caffe (Keras VGG16 preprocess_input, keras.utils.load_img defaults):
  img = PIL.Image.open(path)
  if img.mode != 'RGB': img = img.convert('RGB')
  if img.size != (224, 224): img = img.resize((224, 224), PIL.Image.NEAREST)
  x = np.asarray(img, dtype=np.float32)            # HWC, RGB, 0..255
  x = x[..., ::-1]                                  # RGB -> BGR
  x[..., 0] -= 103.939; x[..., 1] -= 116.779; x[..., 2] -= 123.68
     # numpy float32 arithmetic: float32(p) - float32(mean), i.e. Java `p - 103.939f`
  network input = x.transpose(2, 0, 1)              # CHW, channels B,G,R"""

TORCH_RECIPE = """torch (torchvision classic ImageNet eval transform):
  img = PIL.Image.open(path).convert('RGB')
  transforms.Resize(256)        # PIL BILINEAR (Pillow's antialiased resampling, uint8 result);
                                # short side -> 256, long side -> int(256 * long / short) (truncation)
  transforms.CenterCrop(224)    # top = int(round((h - 224) / 2.0)), left = int(round((w - 224) / 2.0)),
                                # Python round() = round-half-to-even (92.5 -> 92)
  transforms.ToTensor()         # float32(u8) / 255  (CHW, RGB)
  transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
                                # (x - float32(mean[c])) / float32(std[c]), float32 ops
  network input = that CHW RGB tensor"""


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def gzip_bytes(data):
    buf = io.BytesIO()
    # mtime=0 and no file name -> deterministic header
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def f32le_bytes(arr):
    return np.ascontiguousarray(arr, dtype="<f4").tobytes()


# --------------------------------------------------------------------------
# synthetic images
# --------------------------------------------------------------------------
def smooth_rgb(w, h, phase):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    u = xx / (w - 1)
    v = yy / (h - 1)
    r = 255.0 * (0.1 + 0.8 * u)
    g = 255.0 * (0.5 + 0.45 * np.sin(2 * np.pi * (1.3 * v + phase)))
    b = 255.0 * (0.5 + 0.45 * np.cos(2 * np.pi * (0.8 * u + 0.6 * v + phase)))
    return np.stack([r, g, b], axis=-1)


def draw_shapes(img, rng, colors):
    """Deterministic shapes + a fine stripe patch (aliasing under NEAREST)."""
    w, h = img.size
    d = ImageDraw.Draw(img)
    c = iter(colors)
    x0, y0 = int(rng.integers(0, w // 3)), int(rng.integers(0, h // 3))
    d.ellipse([x0, y0, x0 + w // 3, y0 + h // 3], fill=next(c))
    x1, y1 = int(rng.integers(w // 2, 2 * w // 3)), int(rng.integers(h // 2, 2 * h // 3))
    d.rectangle([x1, y1, x1 + w // 4, y1 + h // 4], fill=next(c), outline=next(c), width=3)
    pts = [(int(rng.integers(0, w)), int(rng.integers(0, h))) for _ in range(3)]
    d.polygon(pts, fill=next(c))
    for k in range(4):
        d.line([(0, int(rng.integers(0, h))), (w - 1, int(rng.integers(0, h)))], fill=next(c), width=1 + k)
    # stripe patch: alternating 1px lines
    sx, sy = w // 8, (5 * h) // 8
    sw, sh = w // 4, h // 5
    sc = next(c)
    for yy in range(sy, sy + sh, 2):
        d.line([(sx, yy), (sx + sw, yy)], fill=sc)
    for xx in range(sx + sw + 4, min(w - 1, sx + 2 * sw), 3):
        d.line([(xx, sy), (xx, sy + sh)], fill=sc)
    return img


def add_noise(arr, rng, sigma, frac):
    """Gaussian noise on a random fraction of the samples (keeps PNGs small)."""
    a = arr.astype(np.float64)
    noise = rng.normal(0.0, sigma, size=a.shape)
    mask = rng.random(size=a.shape) < frac
    a = a + noise * mask
    return a


def to_u8(a):
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


RGB_COLORS = [(230, 40, 40), (30, 30, 200), (250, 250, 250), (20, 160, 60), (0, 0, 0),
              (255, 200, 0), (120, 0, 160), (0, 220, 220), (10, 10, 10)]
GRAY_COLORS = [235, 30, 250, 90, 0, 180, 60, 200, 5]


def make_rgb(w, h, seed, phase):
    rng = np.random.default_rng(seed)
    img = Image.fromarray(to_u8(smooth_rgb(w, h, phase)), "RGB")
    draw_shapes(img, rng, RGB_COLORS)
    return Image.fromarray(to_u8(add_noise(np.asarray(img), rng, 12.0, 0.04)), "RGB"), rng


def make_gray(w, h, seed, phase):
    rng = np.random.default_rng(seed)
    base = smooth_rgb(w, h, phase)
    gray = 0.299 * base[..., 0] + 0.587 * base[..., 1] + 0.114 * base[..., 2]
    img = Image.fromarray(to_u8(gray), "L")
    draw_shapes(img, rng, GRAY_COLORS)
    return Image.fromarray(to_u8(add_noise(np.asarray(img), rng, 12.0, 0.08)), "L"), rng


def build_images():
    """Returns list of (file name, PIL image to save, save kwargs, description)."""
    out = []

    im, _ = make_rgb(320, 200, IMAGE_SEED_BASE + 1, 0.00)
    out.append(("rgb-landscape.jpg", im, dict(format="JPEG", quality=90),
                "RGB baseline JPEG 320x200, quality 90, 4:2:0 chroma subsampling"))

    im, _ = make_rgb(180, 300, IMAGE_SEED_BASE + 2, 0.25)
    out.append(("rgb-portrait.png", im, dict(format="PNG"), "RGB PNG 180x300 (portrait)"))

    im, _ = make_gray(250, 190, IMAGE_SEED_BASE + 3, 0.10)
    out.append(("gray-l.png", im, dict(format="PNG"), "8-bit grayscale (mode L) PNG 250x190"))

    im, _ = make_gray(240, 180, IMAGE_SEED_BASE + 4, 0.60)
    out.append(("gray.jpg", im, dict(format="JPEG", quality=92), "grayscale (1-component) JPEG 240x180"))

    # RGBA: horizontal alpha ramp, a fully transparent ellipse (colourful RGB
    # underneath) and a fully opaque bar.
    rgb, rng = make_rgb(260, 220, IMAGE_SEED_BASE + 5, 0.40)
    w, h = rgb.size
    alpha = np.tile(np.linspace(0, 255, w), (h, 1))
    a_img = Image.fromarray(to_u8(alpha), "L")
    d = ImageDraw.Draw(a_img)
    d.ellipse([20, 20, 120, 110], fill=0)
    d.rectangle([0, 150, w - 1, 175], fill=255)
    im = rgb.copy()
    im.putalpha(a_img)
    out.append(("rgba-alpha.png", im, dict(format="PNG"),
                "RGBA PNG 260x220, alpha ramp 0..255 + fully transparent ellipse + opaque bar"))

    # Palette image with one fully transparent index (tRNS), hand-built palette.
    w, h = 230, 170
    rng = np.random.default_rng(IMAGE_SEED_BASE + 6)
    n_colors = 24
    pal = []
    for i in range(n_colors):
        pal += [int(v) for v in rng.integers(0, 256, size=3)]
    trns_index = 3
    pal[3 * trns_index:3 * trns_index + 3] = [250, 20, 200]  # visible magenta if alpha is ignored
    yy, xx = np.mgrid[0:h, 0:w]
    idx = ((xx // 12 + yy // 9) % n_colors).astype(np.uint8)
    noise_mask = rng.random(size=idx.shape) < 0.05
    idx = np.where(noise_mask, rng.integers(0, n_colors, size=idx.shape), idx).astype(np.uint8)
    im = Image.fromarray(idx, "P")
    im.putpalette(pal)
    d = ImageDraw.Draw(im)
    d.ellipse([60, 30, 170, 120], fill=trns_index)
    d.rectangle([10, 130, 80, 160], fill=7)
    out.append(("palette-trns.png", im, dict(format="PNG", transparency=trns_index),
                "palette (P) PNG 230x170, 24-colour palette, index 3 fully transparent via tRNS"))

    # 16-bit grayscale: left band ramps 0..510 (so the 0..255 clip is visible),
    # the rest spans 0..65535.
    w, h = 200, 150
    rng = np.random.default_rng(IMAGE_SEED_BASE + 7)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    v = 65535.0 * (0.5 * xx / (w - 1) + 0.5 * yy / (h - 1))
    v = v + rng.normal(0, 300.0, size=v.shape)
    band = 2.0 * yy * 255.0 / (h - 1)        # 0..510 down the band
    v[:, :50] = band[:, :50] + xx[:, :50]
    v[0, 0] = 0
    v[h - 1, w - 1] = 65535
    arr16 = np.clip(np.rint(v), 0, 65535).astype(np.uint16)
    im = Image.fromarray(arr16)  # mode I;16
    out.append(("gray16.png", im, dict(format="PNG"),
                "16-bit grayscale PNG 200x150, values 0..65535; columns 0..49 hold 0..559"))

    g, rng = make_gray(210, 160, IMAGE_SEED_BASE + 8, 0.80)
    w, h = g.size
    a = np.tile(np.linspace(255, 0, h)[:, None], (1, w))
    a[:, : w // 4] = 0  # fully transparent strip
    im = Image.merge("LA", (g, Image.fromarray(to_u8(a), "L")))
    out.append(("la-alpha.png", im, dict(format="PNG"),
                "grayscale+alpha (LA) PNG 210x160, vertical alpha ramp, left quarter fully transparent"))

    im, _ = make_rgb(300, 225, IMAGE_SEED_BASE + 9, 0.55)
    out.append(("rgb-progressive.jpg", im, dict(format="JPEG", quality=85, progressive=True, subsampling=0),
                "RGB progressive JPEG 300x225, quality 85, 4:4:4 (no chroma subsampling)"))

    im, _ = make_rgb(100, 60, IMAGE_SEED_BASE + 10, 0.33)
    out.append(("tiny-100x60.png", im, dict(format="PNG"), "RGB PNG 100x60 (smaller than 224: upscaling)"))

    im, _ = make_rgb(320, 256, IMAGE_SEED_BASE + 11, 0.70)
    out.append(("rgb-short256.png", im, dict(format="PNG"),
                "RGB PNG 320x256 (short side exactly 256: torch Resize(256) keeps the size)"))

    im, _ = make_rgb(224, 224, IMAGE_SEED_BASE + 12, 0.15)
    out.append(("rgb-224.png", im, dict(format="PNG"),
                "RGB PNG 224x224 (caffe: no resize at all; torch: upscaled to 256 then cropped)"))
    return out


# --------------------------------------------------------------------------
# preprocessing (reference)
# --------------------------------------------------------------------------
def preprocess_caffe(path):
    img = Image.open(path)
    if img.mode != "RGB":
        img = img.convert("RGB")
    if img.size != (INPUT_SIZE, INPUT_SIZE):
        img = img.resize((INPUT_SIZE, INPUT_SIZE), Image.NEAREST)
    x = np.asarray(img, dtype=np.float32).copy()  # HWC RGB
    u8 = np.asarray(img, dtype=np.uint8).copy()
    x = x[..., ::-1].copy()  # BGR
    x[..., 0] -= CAFFE_MEAN_BGR[0]
    x[..., 1] -= CAFFE_MEAN_BGR[1]
    x[..., 2] -= CAFFE_MEAN_BGR[2]
    return x, u8, {}


def torch_transform():
    return transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(INPUT_SIZE),
        transforms.ToTensor(),
        transforms.Normalize(mean=TORCH_MEAN_RGB, std=TORCH_STD_RGB),
    ])


def preprocess_torch(path):
    img = Image.open(path).convert("RGB")
    t = torch_transform()(img)  # CHW RGB float32
    x = t.numpy().transpose(1, 2, 0).copy()  # HWC RGB
    # intermediate uint8 (after Resize + CenterCrop) for documentation / checks
    resized = transforms.Resize(256)(img)
    cropped = transforms.CenterCrop(INPUT_SIZE)(resized)
    u8 = np.asarray(cropped, dtype=np.uint8).copy()
    rw, rh = resized.size
    assert (rw, rh) == torchvision_resize_size(*img.size)
    top = int(round((rh - INPUT_SIZE) / 2.0))
    left = int(round((rw - INPUT_SIZE) / 2.0))
    src = np.asarray(img, dtype=np.uint8)
    emu_resized = pil_bilinear_resize_emulation(src, rw, rh)
    assert np.array_equal(emu_resized, np.asarray(resized, dtype=np.uint8)), "bilinear emulation mismatch"
    assert np.array_equal(emu_resized[top:top + INPUT_SIZE, left:left + INPUT_SIZE], u8)
    info = OrderedDict([("resized_size_wh", [rw, rh]), ("crop_top", top), ("crop_left", left),
                        ("odd_margin_wh", [(rw - INPUT_SIZE) % 2 == 1, (rh - INPUT_SIZE) % 2 == 1])])
    return x, u8, info


def emulate_caffe_from_u8(u8):
    """Independent float32 emulation (Java-style) of the caffe float math."""
    f = u8.astype(np.float32)[..., ::-1]
    mean = np.array(CAFFE_MEAN_BGR, dtype=np.float32)
    return (f - mean).astype(np.float32)


def emulate_torch_from_u8(u8):
    f = u8.astype(np.float32) / np.float32(255.0)
    mean = np.array(TORCH_MEAN_RGB, dtype=np.float32)
    std = np.array(TORCH_STD_RGB, dtype=np.float32)
    return ((f - mean) / std).astype(np.float32)


def pil_nearest_index_emulation(src, dst=INPUT_SIZE):
    """Pillow's ImagingScaleAffine (used by resize(..., NEAREST)): double accumulation.

        a = (double) src / dst;  xo = 0.0 + a * 0.5;
        for i in 0..dst-1: idx[i] = (int) xo; xo += a;      // truncation, accumulated sum
    """
    a = float(src) / dst
    xo = 0.0 + a * 0.5
    out = []
    for _ in range(dst):
        out.append(int(xo))
        xo += a
    return out


def pil_bilinear_resize_emulation(u8, out_w, out_h):
    """Bit-exact emulation of Pillow's 8-bit BILINEAR resize (Resample.c, antialiased).

    Per axis: scale = in/out; filterscale = max(scale, 1); support = 1.0 * filterscale;
    for output i: center = (i + 0.5) * scale; xmin = max(0, (int)(center - support + 0.5));
    xmax = min(in, (int)(center + support + 0.5)); w[x] = tri((x + xmin - center + 0.5) / filterscale)
    for x in [0, xmax - xmin), tri(t) = max(0, 1 - |t|); w /= sum(w) (doubles);
    fixed point k = (int)(w * 2^22 + 0.5) (w >= 0; for w < 0: (int)(w * 2^22 - 0.5)).
    Pass 1 (horizontal, only if the width changes) over source rows needed by the vertical
    pass, pass 2 (vertical, only if the height changes); each pass:
    out = clamp((2^21 + sum(in * k)) >> 22, 0, 255) stored as uint8 between passes.
    """
    PB = 22

    def coeffs(in_size, out_size):
        scale = in_size / out_size
        filterscale = max(scale, 1.0)
        support = 1.0 * filterscale
        rows = []
        for i in range(out_size):
            center = (i + 0.5) * scale
            ss = 1.0 / filterscale
            xmin = int(center - support + 0.5)
            if xmin < 0:
                xmin = 0
            xmax = int(center + support + 0.5)
            if xmax > in_size:
                xmax = in_size
            xmax -= xmin
            ws = []
            for x in range(xmax):
                t = abs((x + xmin - center + 0.5) * ss)
                ws.append(1.0 - t if t < 1.0 else 0.0)
            ww = sum_seq(ws)
            if ww != 0.0:
                ws = [w / ww for w in ws]
            ks = [int(-0.5 + w * (1 << PB)) if w < 0 else int(0.5 + w * (1 << PB)) for w in ws]
            rows.append((xmin, ks))
        return rows

    def sum_seq(ws):
        acc = 0.0
        for w in ws:
            acc += w
        return acc

    def apply(arr, rows, axis):
        arr = np.moveaxis(arr.astype(np.int64), axis, 0)
        out = np.empty((len(rows),) + arr.shape[1:], dtype=np.int64)
        for i, (xmin, ks) in enumerate(rows):
            acc = np.full(arr.shape[1:], 1 << (PB - 1), dtype=np.int64)
            for j, k in enumerate(ks):
                acc += arr[xmin + j] * k
            out[i] = np.clip(acc >> PB, 0, 255)
        return np.moveaxis(out, 0, axis).astype(np.uint8)

    h, w = u8.shape[:2]
    x = u8
    if out_w != w:
        x = apply(x, coeffs(w, out_w), 1)
    if out_h != h:
        x = apply(x, coeffs(h, out_h), 0)
    return x


def torchvision_resize_size(w, h, size=256):
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    return (new_short, new_long) if w <= h else (new_long, new_short)


def nearest_tables(src_w, src_h):
    """Which source column/row PIL's NEAREST resize to 224x224 picks (empirical)."""
    xs = np.tile(np.arange(src_w, dtype=np.int32), (src_h, 1))
    ys = np.tile(np.arange(src_h, dtype=np.int32)[:, None], (1, src_w))
    rx = np.asarray(Image.fromarray(xs, "I").resize((INPUT_SIZE, INPUT_SIZE), Image.NEAREST))
    ry = np.asarray(Image.fromarray(ys, "I").resize((INPUT_SIZE, INPUT_SIZE), Image.NEAREST))
    tx = rx[0].tolist()
    ty = ry[:, 0].tolist()
    assert (rx == rx[0:1, :]).all() and (ry == ry[:, 0:1]).all()
    assert tx == pil_nearest_index_emulation(src_w), "PIL NEAREST emulation mismatch (x)"
    assert ty == pil_nearest_index_emulation(src_h), "PIL NEAREST emulation mismatch (y)"
    fx = [int(np.floor((i + 0.5) * src_w / INPUT_SIZE)) for i in range(INPUT_SIZE)]
    fy = [int(np.floor((i + 0.5) * src_h / INPUT_SIZE)) for i in range(INPUT_SIZE)]
    return tx, ty, fx, fy


# --------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------
class VGG16FeaturesAvg(nn.Module):
    """torchvision vgg16().features (optionally width-reduced) + global average pool."""

    def __init__(self, width_div=1):
        super().__init__()
        cfg = [v if v == "M" else v // width_div for v in VGG_CFGS["D"]]
        self.features = make_layers(cfg, batch_norm=False)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)

    def forward(self, x):
        return self.flatten(self.avgpool(self.features(x)))


def build_model():
    torch.manual_seed(WEIGHT_SEED)
    m = VGG16FeaturesAvg(WIDTH_DIV)
    with torch.no_grad():
        for mod in m.features:
            if isinstance(mod, nn.Conv2d):
                nn.init.kaiming_normal_(mod.weight, mode="fan_out", nonlinearity="relu")
                nn.init.normal_(mod.bias, 0.0, BIAS_STD)
    m.eval()
    for p in m.parameters():
        p.requires_grad_(False)
    return m


def write_keras_h5(model, path):
    convs = {i: mod for i, mod in enumerate(model.features) if isinstance(mod, nn.Conv2d)}
    names = ["input_1"] + [n for n, _, _ in KERAS_LAYERS]
    with h5py.File(path, "w", track_order=False) as f:
        f.attrs["layer_names"] = np.array([n.encode("utf8") for n in names])
        f.attrs["backend"] = np.bytes_(b"tensorflow")
        f.attrs["keras_version"] = np.bytes_(b"2.2.4")
        g = f.create_group("input_1")
        g.attrs["weight_names"] = []  # what Keras writes for a weightless layer (float64, shape (0,))
        for name, tidx, kind in KERAS_LAYERS:
            g = f.create_group(name)
            if kind == "pool":
                g.attrs["weight_names"] = []
                continue
            conv = convs[tidx]
            kernel = conv.weight.detach().permute(2, 3, 1, 0).contiguous().numpy().astype("<f4")  # HWIO
            bias = conv.bias.detach().numpy().astype("<f4")
            g.attrs["weight_names"] = np.array([("%s/kernel:0" % name).encode("utf8"),
                                                ("%s/bias:0" % name).encode("utf8")])
            sub = g.create_group(name)
            sub.create_dataset("kernel:0", data=kernel)
            sub.create_dataset("bias:0", data=bias)


def verify_keras_h5(model, path):
    convs = {i: mod for i, mod in enumerate(model.features) if isinstance(mod, nn.Conv2d)}
    with h5py.File(path, "r") as f:
        names = [n.decode("utf8") for n in f.attrs["layer_names"]]
        assert names == ["input_1"] + [n for n, _, _ in KERAS_LAYERS], names
        for name, tidx, kind in KERAS_LAYERS:
            g = f[name]
            wn = [n.decode("utf8") for n in g.attrs["weight_names"]]
            if kind == "pool":
                assert wn == []
                continue
            assert wn == ["%s/kernel:0" % name, "%s/bias:0" % name]
            k = np.asarray(g[wn[0]])
            b = np.asarray(g[wn[1]])
            oihw = torch.from_numpy(k).permute(3, 2, 0, 1)
            assert torch.equal(oihw, convs[tidx].weight), name
            assert torch.equal(torch.from_numpy(b), convs[tidx].bias), name


def numpy_forward_from_h5(path, x_hwc):
    """Independent channels_last (Keras-style) float64 forward pass from the h5."""
    with h5py.File(path, "r") as f:
        x = x_hwc.astype(np.float64)
        for name, _, kind in KERAS_LAYERS:
            if kind == "pool":
                hh, ww, cc = x.shape
                x = x.reshape(hh // 2, 2, ww // 2, 2, cc).max(axis=(1, 3))
                continue
            k = np.asarray(f[name][name]["kernel:0"]).astype(np.float64)  # 3,3,ci,co
            b = np.asarray(f[name][name]["bias:0"]).astype(np.float64)
            hh, ww, ci = x.shape
            xp = np.pad(x, ((1, 1), (1, 1), (0, 0)))
            cols = np.empty((hh, ww, 3, 3, ci), dtype=np.float64)
            for dy in range(3):
                for dx in range(3):
                    cols[:, :, dy, dx, :] = xp[dy:dy + hh, dx:dx + ww, :]
            y = cols.reshape(hh * ww, 9 * ci) @ k.reshape(9 * ci, -1) + b
            x = np.maximum(y, 0.0).reshape(hh, ww, -1)
        return x.mean(axis=(0, 1))


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------
README = """# featurex golden data

Generated by `tools/golden/make_golden.py` with an implementation that shares no
code with featurex: PIL (image decoding / conversion / resizing), numpy (Keras
`preprocess_input` caffe math), torchvision (classic eval transform) and PyTorch
(the network). Regenerate with

    /usr/bin/python3 tools/golden/make_golden.py

(Debian packages python3-torch python3-torchvision python3-h5py python3-pil
python3-numpy). The script is deterministic: running it again with the same
package versions reproduces every byte; `manifest.json` lists the sha256 of each
file, the package versions and all per-image details. One caveat: the TorchScript
archive embeds tracer debug info (absolute paths and line numbers of the
generator and of the torch install), so the `.pt` file's bytes - only - change if
the script is edited, moved or run against another torch install; its weights and
outputs do not (`model.params_sha256` in the manifest is a location-independent
hash of the weights). Tests should not compare the `.pt` file's sha256.

## Files

| path | content |
|---|---|
| `images/*` | {n_images} small synthetic test images (gradients + shapes + stripes + noise), all modes/formats listed in `manifest.json` (`images[]`) |
| `weights/vgg16-w8.torchscript.pt` | TorchScript (`torch.jit.trace`, not optimized, not frozen) of torchvision `vgg16().features` at width/8 (channels 8,16,32,64,64) + `AdaptiveAvgPool2d(1)` + `Flatten(1)`; input `(N,3,224,224)` float32 NCHW, output `(N,64)`. Parameters are named `features.<i>.weight` / `features.<i>.bias` as in torchvision |
| `weights/vgg16-w8-notop.h5` | the SAME weights in the Keras notop HDF5 layout (see below) |
| `tensors/<stem>.<mode>.f32.gz` | network input for image `<stem>` and preprocessing `<mode>` (`caffe` or `torch`): gzip of raw little-endian float32 (224*224*3*4 = 602112 bytes uncompressed), **HWC** order `[224][224][3]`, channels in the order the network sees them (caffe: B,G,R; torch: R,G,B). Transpose to CHW to feed the network. Not stored for {skipped} (size budget; their vectors are stored, and the manifest has the sha256 of their uncompressed tensors) |
| `vectors/<stem>.<mode>.f32` | the 64 output floats (raw little-endian float32, not gzipped) of the TorchScript model on that tensor, batch size 1 |
| `vectors/batch-check.txt` | all caffe inputs run as one batch vs one at a time (max abs difference) |
| `manifest.json` | everything machine readable: images, recipes, shapes, seeds, versions, per-image resize/crop details, PIL NEAREST index tables, sha256 of every file |

## Weights

Exact VGG16 topology (13 conv3x3 pad 1 + ReLU, 5 max-pool 2x2/2, then global
average pooling) with every channel count divided by {width_div}. `torch.manual_seed({seed})`,
conv weights `kaiming_normal_(mode='fan_out', nonlinearity='relu')` (torchvision's
init), biases `normal_(0, {bias_std})` (non-zero on purpose, to catch bias mix-ups). Output dim 64.

HDF5 layout (like Keras' `vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`):

* root attribute `layer_names`: fixed-length byte strings
  `input_1, block1_conv1, block1_conv2, block1_pool, block2_conv1, block2_conv2, block2_pool,
  block3_conv1..3, block3_pool, block4_conv1..3, block4_pool, block5_conv1..3, block5_pool`
  (the input layer is listed first because the published Keras VGG19 notop file
  does so - `input_2, block1_conv1, ...` - and the VGG16 one is believed to do the same:
  loaders must skip layers whose `weight_names` is empty rather than assume the
  first entry is a conv); root attributes `backend = b'tensorflow'`,
  `keras_version = b'2.2.4'` (byte-string scalars; some published weight files
  carry only `layer_names`, so loaders should not require these two).
* one group per layer with attribute `weight_names`: for convs
  `[b'<layer>/kernel:0', b'<layer>/bias:0']`; for `input_1` and the pools an
  EMPTY float64 array of shape (0,) (that is what Keras' `g.attrs['weight_names'] = []` writes).
* datasets `<layer>/<layer>/kernel:0` float32 shape `(3, 3, in, out)` (HWIO,
  channels_last) and `<layer>/<layer>/bias:0` float32 shape `(out,)`.
* PyTorch OIHW weight = `kernel.transpose(3, 2, 0, 1)`; kernel = `weight.permute(2, 3, 1, 0)`.
  Both are cross-correlations, so no kernel flip is involved.

Keras `features.<i>` mapping: convs at torchvision indices 0,2,5,7,10,12,14,17,19,21,24,26,28
(block1_conv1 ... block5_conv3), pools at 4,9,16,23,30.

## Preprocessing recipes

```
{caffe}
```

```
{torch}
```

`manifest.json` gives, per image, the exact PIL NEAREST source index tables
(`caffe.nearest_src_x/y`: output column/row i takes source column/row t[i]),
and for torch mode the Resize output size and crop offsets.

### PIL NEAREST (caffe mode) - exact index rule

Pillow (`ImagingScaleAffine`) accumulates in doubles and truncates:

```
double a = (double) src / 224;  double xo = a * 0.5;
for (i = 0; i < 224; i++) {{ idx[i] = (int) xo; xo += a; }}
```

This is NOT always `floor((i + 0.5) * src / 224)`: where that product is an exact
integer, the accumulated sum can land just below it (e.g. src=320: i=17 picks 24,
not 25; src=256: i=3 picks 3, not 4). The generator checks the emulation above
against PIL for every image; `checks` in the manifest lists where the naive
formula would differ.

### PIL BILINEAR (torch mode Resize) - exact algorithm (8-bit, Pillow Resample.c)

Per axis (in -> out): `scale = in / out`, `filterscale = max(scale, 1)`,
`support = 1 * filterscale`. For output i: `center = (i + 0.5) * scale`,
`xmin = max(0, (int)(center - support + 0.5))`, `xmax = min(in, (int)(center + support + 0.5))`,
weights `w[j] = tri((j + xmin - center + 0.5) / filterscale)` for j in [0, xmax - xmin),
`tri(t) = max(0, 1 - |t|)`, normalised by their (sequentially summed) double sum,
then fixed point `k[j] = (int)(w[j] * 2^22 + 0.5)`. Horizontal pass first (only if
the width changes), result stored as uint8, then vertical pass (only if the height
changes); each output sample is `clamp((2^21 + sum(in * k)) >> 22, 0, 255)`
(arithmetic shift). Same for each of R, G, B. The generator checks a Python
emulation of exactly this against PIL (bit-exact, all images).

### PIL conversions to RGB (`img.convert('RGB')`) - what the Java side must replicate

* `L` -> R=G=B=L. `LA` -> R=G=B=L, alpha DROPPED (no compositing).
* `RGBA` -> alpha DROPPED: the stored RGB of fully transparent pixels is kept
  (no compositing onto black or white, no premultiplication).
* `P` with a tRNS transparent index -> plain palette lookup; the transparent
  index shows its palette colour (here (250, 20, 200)), alpha ignored.
* 16-bit grayscale PNG -> PIL opens it as mode `I` (32-bit int, value 0..65535) and
  `convert('RGB')` CLIPS each value to 0..255 (R=G=B=min(max(v,0),255)); it does
  NOT scale by 1/257 or take the high byte. So nearly the whole image becomes
  255; only columns 0..49 of `gray16.png` (values 0..559) carry information.
* JPEG decoding is PIL's libjpeg(-turbo) (ISLOW IDCT, fancy upsampling for the
  4:2:0 file); a different decoder can differ by +-1 per sample.

### Float arithmetic

* caffe: `float32(p) - float32(mean)` for p in 0..255 (numpy float32 ufunc; checked
  by the generator against that emulation: bit-exact).
* torch: `float32(p) / 255f`, then `(x - float32(mean)) / float32(std)` (checked
  bit-exact against that emulation).
"""


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    for sub in ("images", "weights", "tensors", "vectors"):
        os.makedirs(os.path.join(OUT, sub))

    manifest = OrderedDict()
    manifest["description"] = ("Golden data for featurex: VGG16 (width/%d, seeded weights) features with Keras "
                               "caffe and torchvision preprocessing, computed with PIL/numpy/torch." % WIDTH_DIV)
    manifest["generator"] = "tools/golden/make_golden.py"
    manifest["command"] = GEN_COMMAND
    manifest["versions"] = OrderedDict([
        ("python", platform.python_version()),
        ("torch", torch.__version__),
        ("torchvision", torchvision.__version__),
        ("PIL", PIL.__version__),
        ("h5py", h5py.__version__),
        ("hdf5", h5py.version.hdf5_version),
        ("numpy", np.__version__),
        ("torch_num_threads", torch.get_num_threads()),
    ])
    manifest["seeds"] = OrderedDict([("weights_torch_manual_seed", WEIGHT_SEED),
                                     ("images_numpy_default_rng_base", IMAGE_SEED_BASE)])

    # ---------------- images
    images = build_images()
    img_entries = []
    for fname, im, kw, desc in images:
        path = os.path.join(OUT, "images", fname)
        im.save(path, **kw)
        reo = Image.open(path)
        e = OrderedDict()
        e["file"] = "images/" + fname
        e["stem"] = os.path.splitext(fname)[0]
        e["format"] = reo.format
        e["mode"] = reo.mode
        e["saved_from_mode"] = im.mode
        e["size_wh"] = list(reo.size)
        e["description"] = desc
        if reo.format == "JPEG":
            e["progressive"] = bool(reo.info.get("progressive", 0) or reo.info.get("progression", 0))
        if "transparency" in reo.info:
            t = reo.info["transparency"]
            e["transparency"] = t if isinstance(t, int) else list(t)
        img_entries.append(e)
    total_img = sum(os.path.getsize(os.path.join(OUT, e["file"])) for e in img_entries)
    assert total_img <= 400 * 1024, total_img
    for e in img_entries:
        assert max(e["size_wh"]) <= 320

    # ---------------- model + weights
    model = build_model()
    n_params = sum(p.numel() for p in model.parameters())
    example = torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    example[0, 0, 0, 0] = 1.0
    traced = torch.jit.trace(model, example)
    pt_path = os.path.join(OUT, "weights", "vgg16-w8.torchscript.pt")
    torch.jit.save(traced, pt_path)
    h5_path = os.path.join(OUT, "weights", "vgg16-w8-notop.h5")
    write_keras_h5(model, h5_path)
    verify_keras_h5(model, h5_path)

    loaded = torch.jit.load(pt_path)
    loaded.eval()
    # check traced == eager for batch 1 and 3
    g = torch.Generator().manual_seed(7)
    for n in (1, 3):
        xin = torch.randn(n, 3, INPUT_SIZE, INPUT_SIZE, generator=g) * 50.0
        with torch.no_grad():
            a = loaded(xin)
            b = model(xin)
        assert a.shape == (n, 64), a.shape
        assert torch.allclose(a, b, rtol=0, atol=1e-5), (a - b).abs().max()
    # the TorchScript's parameters match the h5 exactly
    sd = loaded.state_dict()
    with h5py.File(h5_path, "r") as f:
        for name, tidx, kind in KERAS_LAYERS:
            if kind != "conv":
                continue
            k = torch.from_numpy(np.asarray(f[name][name]["kernel:0"])).permute(3, 2, 0, 1)
            assert torch.equal(sd["features.%d.weight" % tidx], k)
            assert torch.equal(sd["features.%d.bias" % tidx], torch.from_numpy(np.asarray(f[name][name]["bias:0"])))

    ph = hashlib.sha256()
    for k in sorted(sd.keys(), key=lambda t: (int(t.split(".")[1]), t.split(".")[2] != "weight")):
        ph.update(np.ascontiguousarray(sd[k].numpy(), dtype="<f4").tobytes())
    params_sha = ph.hexdigest()

    manifest["model"] = OrderedDict([
        ("architecture", "VGG16 features (cfg D) width/%d + AdaptiveAvgPool2d(1) + Flatten" % WIDTH_DIV),
        ("width_div", WIDTH_DIV),
        ("channels", [v if v == "M" else v // WIDTH_DIV for v in VGG_CFGS["D"]]),
        ("params", n_params),
        ("input_shape_nchw", [-1, 3, INPUT_SIZE, INPUT_SIZE]),
        ("output_dim", 64),
        ("params_sha256", params_sha),
        ("params_sha256_how", "sha256 over float32 little-endian OIHW weight then bias of features.0, "
                              "features.2, ... features.28 (torch layout; h5 kernels permuted back)"),
        ("init", "torch.manual_seed(%d); for each Conv2d in order: kaiming_normal_(weight, mode='fan_out', "
                 "nonlinearity='relu'); normal_(bias, 0, %g)" % (WEIGHT_SEED, BIAS_STD)),
        ("torchscript", OrderedDict([("file", "weights/vgg16-w8.torchscript.pt"),
                                     ("how", "torch.jit.trace(model.eval(), example (1,3,224,224)); torch.jit.save; "
                                             "no optimize_for_inference, no freeze"),
                                     ("verified_batch_sizes", [1, 3])])),
        ("keras_h5", OrderedDict([("file", "weights/vgg16-w8-notop.h5"),
                                  ("layer_names", ["input_1"] + [n for n, _, _ in KERAS_LAYERS]),
                                  ("kernel_layout", "HWIO (3,3,in,out) = torch weight.permute(2,3,1,0)"),
                                  ("dataset_path", "<layer>/<layer>/kernel:0 and <layer>/<layer>/bias:0"),
                                  ("verified", "read back and permuted to OIHW: torch.equal with the model "
                                               "and with the TorchScript state_dict")])),
        ("keras_to_torch_index", OrderedDict((n, i) for n, i, _ in KERAS_LAYERS)),
    ])

    # ---------------- preprocessing + vectors
    manifest["modes"] = OrderedDict([
        ("caffe", OrderedDict([("recipe", CAFFE_RECIPE), ("channel_order", "BGR"),
                               ("mean", CAFFE_MEAN_BGR), ("std", None)])),
        ("torch", OrderedDict([("recipe", TORCH_RECIPE), ("channel_order", "RGB"),
                               ("mean", TORCH_MEAN_RGB), ("std", TORCH_STD_RGB)])),
    ])
    manifest["tensor_format"] = OrderedDict([
        ("path", "tensors/<stem>.<mode>.f32.gz" if TENSOR_GZIP else "tensors/<stem>.<mode>.f32"),
        ("compression", "gzip (mtime 0, no name)" if TENSOR_GZIP else "none"),
        ("dtype", "float32 little-endian"),
        ("layout", "HWC"),
        ("shape", [INPUT_SIZE, INPUT_SIZE, 3]),
        ("channels", "network order: caffe B,G,R; torch R,G,B"),
        ("not_stored_for", list(TENSOR_SKIP_STEMS)),
    ])
    manifest["vector_format"] = OrderedDict([
        ("path", "vectors/<stem>.<mode>.f32"), ("dtype", "float32 little-endian"), ("shape", [64]),
        ("computed_by", "weights/vgg16-w8.torchscript.pt, batch size 1, CPU"),
    ])

    emul_max = {"caffe": 0.0, "torch": 0.0}
    np_ref_max = 0.0
    np_ref_rel = 0.0
    caffe_inputs = []
    caffe_single = []
    nearest_mismatch = OrderedDict()
    for e in img_entries:
        path = os.path.join(OUT, e["file"])
        stem = e["stem"]
        e["sha256"] = sha256_file(path)
        for mode in ("caffe", "torch"):
            if mode == "caffe":
                x, u8, info = preprocess_caffe(path)
                emu = emulate_caffe_from_u8(u8)
                tx, ty, fx, fy = nearest_tables(*e["size_wh"])
                info = OrderedDict()
                info["resized"] = e["size_wh"] != [INPUT_SIZE, INPUT_SIZE]
                info["nearest_src_x"] = tx
                info["nearest_src_y"] = ty
                mism = [i for i in range(INPUT_SIZE) if tx[i] != fx[i]] + \
                       [i for i in range(INPUT_SIZE) if ty[i] != fy[i]]
                info["nearest_equals_floor_formula"] = (tx == fx and ty == fy)
                if mism:
                    nearest_mismatch[stem] = OrderedDict([
                        ("x", [[i, tx[i], fx[i]] for i in range(INPUT_SIZE) if tx[i] != fx[i]]),
                        ("y", [[i, ty[i], fy[i]] for i in range(INPUT_SIZE) if ty[i] != fy[i]])])
            else:
                x, u8, info = preprocess_torch(path)
                emu = emulate_torch_from_u8(u8)
                info = OrderedDict(info)
            assert x.dtype == np.float32 and x.shape == (INPUT_SIZE, INPUT_SIZE, 3)
            d = float(np.abs(x.astype(np.float64) - emu.astype(np.float64)).max())
            emul_max[mode] = max(emul_max[mode], d)
            raw = f32le_bytes(x)
            if stem in TENSOR_SKIP_STEMS:
                tname = None
            else:
                tname = "tensors/%s.%s.f32" % (stem, mode) + (".gz" if TENSOR_GZIP else "")
                write_bytes(os.path.join(OUT, tname), gzip_bytes(raw) if TENSOR_GZIP else raw)
            info["tensor_sha256_uncompressed"] = hashlib.sha256(raw).hexdigest()
            chw = torch.from_numpy(x.transpose(2, 0, 1).copy()).unsqueeze(0)
            with torch.no_grad():
                v = loaded(chw)[0].numpy().astype(np.float32)
            vname = "vectors/%s.%s.f32" % (stem, mode)
            write_bytes(os.path.join(OUT, vname), f32le_bytes(v))
            ref = numpy_forward_from_h5(h5_path, x)
            np_ref_max = max(np_ref_max, float(np.abs(ref - v).max()))
            np_ref_rel = max(np_ref_rel, float(np.abs(ref - v).max() / max(1e-12, np.abs(ref).max())))
            if mode == "caffe":
                caffe_inputs.append(chw)
                caffe_single.append(v)
            info["tensor"] = tname
            info["vector"] = vname
            info["tensor_stats"] = OrderedDict([("min", float(x.min())), ("max", float(x.max())),
                                                ("mean", float(x.astype(np.float64).mean()))])
            info["vector_l2"] = float(np.linalg.norm(v.astype(np.float64)))
            info["vector_head"] = [float(t) for t in v[:4]]
            e[mode] = info

    # emulations must be bit exact
    assert emul_max["caffe"] == 0.0, emul_max
    assert emul_max["torch"] == 0.0, emul_max
    assert np_ref_rel < 1e-4, (np_ref_max, np_ref_rel)

    # ---------------- batch check
    batch = torch.cat(caffe_inputs, 0)
    with torch.no_grad():
        vb = loaded(batch).numpy()
    single = np.stack(caffe_single)
    bmax = float(np.abs(vb.astype(np.float64) - single.astype(np.float64)).max())
    lines = ["batch-vs-single check (caffe inputs, TorchScript model, CPU, %d thread(s))" % torch.get_num_threads(),
             "batch size: %d" % batch.shape[0],
             "order: " + ", ".join(e["stem"] for e in img_entries),
             "max |batch - single| over all %d x 64 outputs: %.9g" % (batch.shape[0], bmax),
             "max |vector|: %.9g" % float(np.abs(single).max())]
    write_bytes(os.path.join(OUT, "vectors", "batch-check.txt"), ("\n".join(lines) + "\n").encode("utf8"))

    manifest["images"] = img_entries
    manifest["checks"] = OrderedDict([
        ("tensor_vs_java_style_float32_emulation_max_abs", emul_max),
        ("independent_numpy_float64_forward_from_h5_vs_torchscript_max_abs", np_ref_max),
        ("independent_numpy_float64_forward_from_h5_vs_torchscript_max_rel_to_max", np_ref_rel),
        ("batch_vs_single_caffe_max_abs", bmax),
        ("batch_size", int(batch.shape[0])),
        ("pil_nearest_vs_floor((i+0.5)*src/224)_mismatches", nearest_mismatch),
    ])

    readme = README.format(n_images=len(img_entries), width_div=WIDTH_DIV, seed=WEIGHT_SEED,
                           skipped=", ".join("`%s`" % t for t in TENSOR_SKIP_STEMS),
                           bias_std=BIAS_STD, caffe=CAFFE_RECIPE, torch=TORCH_RECIPE)
    write_bytes(os.path.join(OUT, "README.md"), readme.encode("utf8"))

    files = OrderedDict()
    for root, _, fnames in sorted(os.walk(OUT)):
        for fn in sorted(fnames):
            p = os.path.join(root, fn)
            rel = os.path.relpath(p, OUT).replace(os.sep, "/")
            if rel == "manifest.json":
                continue
            files[rel] = OrderedDict([("bytes", os.path.getsize(p)), ("sha256", sha256_file(p))])
    manifest["files"] = OrderedDict(sorted(files.items()))
    text = json.dumps(manifest, indent=1)
    # keep number lists (index tables, shapes) on one line
    text = re.sub(r"\[\s*(-?[0-9][-0-9.e+,\s]*?)\s*\]",
                  lambda mm: "[" + ", ".join(t.strip() for t in mm.group(1).split(",")) + "]", text)
    json.loads(text)
    write_bytes(os.path.join(OUT, "manifest.json"), (text + "\n").encode("utf8"))

    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT) for f in fs)
    print("wrote %s (%d files, %d bytes; images %d bytes)" % (OUT, len(files) + 1, total, total_img))
    print("params %d; batch-vs-single max|d| %.3g; numpy-h5 ref max|d| %.3g (rel %.3g); nearest mismatches: %s"
          % (n_params, bmax, np_ref_max, np_ref_rel, list(nearest_mismatch)))


if __name__ == "__main__":
    sys.exit(main())
