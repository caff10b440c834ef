#!/usr/bin/python3
"""Decoder golden data: what PIL 9.4 makes of the image kinds where decoders disagree.

Each file is decoded by PIL exactly as Keras and torchvision users get it
(``Image.open(path).convert('RGB')``), and featurex must reproduce that bit for bit with
either JPEG decoder (libjpeg-turbo or ImageIO) and with libwebp:

  icc-adobe-rgb.jpg   RGB JPEG (4:2:0) carrying an ICC profile with Adobe RGB (1998) primaries:
                      PIL ignores the profile, so must featurex
  ycck.jpg            Adobe YCCK JPEG (transform 2), written by libjpeg-turbo from CMYK samples:
                      libjpeg converts YCCK to CMYK, PIL inverts (Adobe polarity), then converts naively
  cmyk-no-adobe.jpg   a CMYK JPEG whose Adobe marker was removed: PIL still assumes Adobe polarity
  rgb-422.jpg         4:2:2 chroma subsampling (PIL's encoder)
  rgb-440.jpg         4:4:0 chroma subsampling (libjpeg-turbo's encoder; what a lossless
                      quarter-turn of a 4:2:2 photo gives)
  lossy.webp          lossy WebP (VP8)
  lossy-alpha.webp    lossy WebP with an alpha channel (VP8X + ALPH): alpha dropped, not composited
  reduce-600x520.jpg  4:2:2, and reduce-2560x2048.jpg 4:2:0: inputs of decode.jpeg-reduce, whose
                      libjpeg-turbo path must equal PIL's Image.draft() (DCT scaling 1/2, 1/8)
                      followed by the same resize

Writes into worker/src/test/resources/golden/decoders/, per image <stem>:
  <stem>.rgb.gz           PIL's Image.open(...).convert('RGB'), raw bytes HWC, gzip (not for the
                          two reduce-* images)
  <stem>.caffe.f32.gz     (icc-adobe-rgb, ycck, lossy) caffe network input: NEAREST to 224x224,
                          BGR minus the ImageNet means
  <stem>.torch.f32.gz     (the same three, and reduce-600x520: shrunk on both axes) torch network
                          input: torchvision's Resize(256) (PIL BILINEAR) + CenterCrop(224) +
                          ToTensor + Normalize
  <stem>.reduced.rgb.gz   (reduce-* only) PIL's pixels after img.draft('RGB', ...) at the largest
                          scale 1/2, 1/4 or 1/8 keeping the side the resize needs (the same
                          scale in both modes for these two images)
  manifest.json           versions, per-file facts and sha256
All tensors are raw little-endian float32 in HWC order (as in golden/README.md), gzip with mtime 0.
The torch transform is written with PIL + numpy (make_golden.py proves that emulation equal to
torchvision's), so this script needs no torch.

Run on Debian bookworm, after make_golden.py (which rewrites the golden directory):
  apt-get install python3-pil python3-numpy libturbojpeg0
  /usr/bin/python3 tools/golden/make_decoder_golden.py
Deterministic: the same package versions reproduce every byte.
"""
import ctypes
import gzip
import hashlib
import json
import struct
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, ImageCms, ImageDraw, features

OUT = Path(__file__).resolve().parents[2] / "worker/src/test/resources/golden/decoders"
SIZE = 224
CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)
TORCH_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
TORCH_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# The side each mode's resize needs (featurex's ResizePolicy.neededSide): caffe stretches to
# 224, torch takes the shorter side to 256.
NEEDED_SIDE = {"caffe": 224, "torch": 256}
# Network inputs for one image of each kind issue 13 names; the others are checked by their pixels.
WITH_TENSORS = ("icc-adobe-rgb", "ycck", "lossy")
# And the exact torch input of one image the resize shrinks on both axes (every other golden
# image is enlarged or kept): the antialiasing side of PIL's BILINEAR, bit for bit.
WITH_TORCH_TENSOR = ("reduce-600x520",)

TJPF_CMYK, TJPF_RGB = 11, 0
TJSAMP_420, TJSAMP_440 = 2, 4
TJFLAG_ACCURATEDCT = 4096


# ---------------------------------------------------------------- pictures
def photo_like(w, h, seed, grain=2.0, scale=1.0):
    """Gradients, waves and a few shapes plus mild grain: smooth enough to stay small as a file,
    detailed enough that decoders' rounding differences show. scale stretches the waves (a large
    image with scale 8 looks like a small one enlarged, as a reduced decode sees it)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    u, v = xx / (w - 1), yy / (h - 1)
    xs, ys = xx / scale, yy / scale
    r = 40 + 180 * u + 25 * np.sin(xs / 7.0)
    g = 60 + 150 * v + 20 * np.cos(ys / 5.0 + xs / 11.0)
    b = 200 - 160 * u * v + 30 * np.sin((xs + ys) / 9.0)
    arr = np.stack([r, g, b], axis=-1) + rng.normal(0, grain, size=(h, w, 3))
    img = Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(img)
    d.ellipse([w // 8, h // 6, w // 2, h // 2 + h // 6], fill=(240, 220, 30))
    d.rectangle([w // 2, h // 2, w // 2 + w // 4, h - h // 8], fill=(20, 40, 180), outline=(250, 250, 250), width=max(1, w // 100))
    step = max(3, int(3 * scale))
    for k in range(0, w // 4, step):
        d.line([(w // 16 + k, h - h // 4), (w // 16 + k, h - h // 16)], fill=(10, 10, 10), width=max(1, step // 3))
    return img


def cmyk_samples(w, h, seed):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    c = 127 + 120 * np.sin(xx / 17.0 + yy / 29.0)
    m = 127 + 120 * np.cos(xx / 23.0 - yy / 13.0)
    y = 255 * xx / (w - 1)
    k = 255 * yy / (h - 1)
    arr = np.stack([c, m, y, k], axis=-1) + rng.normal(0, 6, size=(h, w, 4))
    return np.ascontiguousarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8))


# ---------------------------------------------------------------- ICC profile
def s15f16(x):
    return struct.pack(">i", int(round(x * 65536)))


def xyz_tag(x, y, z):
    return b"XYZ " + b"\0" * 4 + s15f16(x) + s15f16(y) + s15f16(z)


def adobe_rgb_profile():
    """An ICC v2 display profile (matrix/TRC) with the Adobe RGB (1998) primaries (D50-adapted)
    and gamma 563/256: far enough from sRGB that applying it moves every colour."""
    desc_text = b"featurex test: Adobe RGB (1998) primaries\0"
    desc = b"desc" + b"\0" * 4 + struct.pack(">I", len(desc_text)) + desc_text + b"\0" * 4 + b"\0" * 4 + b"\0" * 67
    cprt = b"text" + b"\0" * 4 + b"No copyright, test data\0"
    trc = b"curv" + b"\0" * 4 + struct.pack(">I", 1) + struct.pack(">H", 563) + b"\0\0"
    tags = [
        (b"desc", desc), (b"cprt", cprt),
        (b"wtpt", xyz_tag(0.96420, 1.0, 0.82491)),
        (b"rXYZ", xyz_tag(0.60974, 0.31111, 0.01947)),
        (b"gXYZ", xyz_tag(0.20528, 0.62567, 0.06087)),
        (b"bXYZ", xyz_tag(0.14919, 0.06322, 0.74457)),
        (b"rTRC", trc), (b"gTRC", trc), (b"bTRC", trc),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        while (offset + len(data)) % 4:
            data += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"lcms" + struct.pack(">I", 0x02100000) + b"mntr" + b"RGB " + b"XYZ "
              + struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 4 + struct.pack(">I", 0) + b"\0" * 8
              + b"\0" * 8 + struct.pack(">I", 0) + s15f16(0.9642) + s15f16(1.0) + s15f16(0.8249) + b"\0" * 4
              + b"\0" * 16 + b"\0" * 28)
    assert len(header) == 128, len(header)
    return header + struct.pack(">I", len(tags)) + table + data


# ---------------------------------------------------------------- libjpeg-turbo writer
def turbojpeg():
    tj = ctypes.CDLL("libturbojpeg.so.0")
    tj.tjInitCompress.restype = ctypes.c_void_p
    tj.tjCompress2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                               ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_ulong), ctypes.c_int, ctypes.c_int,
                               ctypes.c_int]
    tj.tjFree.argtypes = [ctypes.c_void_p]
    tj.tjDestroy.argtypes = [ctypes.c_void_p]
    tj.tjGetErrorStr2.restype = ctypes.c_char_p
    tj.tjGetErrorStr2.argtypes = [ctypes.c_void_p]
    return tj


def tj_compress(samples, pixel_format, subsamp, quality=90):
    """TurboJPEG's encoder: CMYK input is written as YCCK with an Adobe marker (transform 2)."""
    tj = turbojpeg()
    h, w, n = samples.shape
    handle = tj.tjInitCompress()
    out, size = ctypes.c_void_p(), ctypes.c_ulong(0)
    src = samples.tobytes()
    if tj.tjCompress2(handle, src, w, w * n, h, pixel_format, ctypes.byref(out), ctypes.byref(size), subsamp, quality,
                      TJFLAG_ACCURATEDCT) != 0:
        raise RuntimeError(tj.tjGetErrorStr2(handle))
    data = ctypes.string_at(out, size.value)
    tj.tjFree(out)
    tj.tjDestroy(handle)
    return data


def without_app14(jpeg):
    """The JPEG with its Adobe APP14 segment removed (segments before the first scan)."""
    out, i = bytearray(jpeg[:2]), 2
    while True:
        assert jpeg[i] == 0xFF, i
        marker, length = jpeg[i + 1], struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        if marker == 0xDA:
            out += jpeg[i:]
            return bytes(out)
        if marker != 0xEE:
            out += jpeg[i:i + 2 + length]
        i += 2 + length


# ---------------------------------------------------------------- references
def caffe_input(rgb):
    if rgb.size != (SIZE, SIZE):
        rgb = rgb.resize((SIZE, SIZE), Image.NEAREST)
    return np.asarray(rgb, dtype=np.float32)[..., ::-1] - CAFFE_MEAN_BGR


def torch_input(rgb):
    w, h = rgb.size
    short, long = min(w, h), max(w, h)
    new_long = int(256 * long / short)
    size = (256, new_long) if w <= h else (new_long, 256)
    if size != rgb.size:
        rgb = rgb.resize(size, Image.BILINEAR)
    top = int(round((size[1] - SIZE) / 2.0))
    left = int(round((size[0] - SIZE) / 2.0))
    u8 = np.asarray(rgb, dtype=np.uint8)[top:top + SIZE, left:left + SIZE]
    return (u8.astype(np.float32) / np.float32(255.0) - TORCH_MEAN) / TORCH_STD


def draft_scale(w, h, side):
    """Largest s in 8, 4, 2 whose ceil(w / s) and ceil(h / s) both stay >= side; 1 when none does."""
    for s in (8, 4, 2):
        if (min(w, h) + s - 1) // s >= side:
            return s
    return 1


def reduced(path, mode):
    img = Image.open(path)
    w, h = img.size
    s = draft_scale(w, h, NEEDED_SIDE[mode])
    if s > 1:
        img.draft("RGB", (w // s, h // s))
        assert img.size == ((w + s - 1) // s, (h + s - 1) // s), (img.size, s)
    return img.convert("RGB"), s


def write_gz(path, raw):
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def f32(x):
    return np.ascontiguousarray(x, dtype="<f4").tobytes()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    profile = adobe_rgb_profile()
    # The profile is well formed and far from sRGB: littleCMS reads it, and converting through it moves pixels.
    probe = photo_like(64, 48, 1)
    moved = ImageCms.profileToProfile(probe, ImageCms.ImageCmsProfile(__import__("io").BytesIO(profile)), ImageCms.createProfile("sRGB"))
    icc_shift = int(np.abs(np.asarray(moved, dtype=int) - np.asarray(probe, dtype=int)).max())
    assert icc_shift >= 20, icc_shift

    files = []  # (name, description)
    photo_like(256, 192, 20261201).save(OUT / "icc-adobe-rgb.jpg", quality=90, icc_profile=profile)
    files.append(("icc-adobe-rgb.jpg", "RGB JPEG 256x192 4:2:0 q90 with an embedded ICC profile (Adobe RGB (1998) primaries, gamma 2.2)"))

    (OUT / "ycck.jpg").write_bytes(tj_compress(cmyk_samples(192, 144, 20261202), TJPF_CMYK, TJSAMP_420))
    files.append(("ycck.jpg", "Adobe YCCK JPEG 192x144 4:2:0 q90 (transform 2), libjpeg-turbo's encoder from CMYK samples"))

    cmyk = Image.fromarray(cmyk_samples(160, 120, 20261203), "CMYK")
    tmp = OUT / "cmyk-with-adobe.tmp"
    cmyk.save(tmp, format="JPEG", quality=90)
    (OUT / "cmyk-no-adobe.jpg").write_bytes(without_app14(tmp.read_bytes()))
    tmp.unlink()
    files.append(("cmyk-no-adobe.jpg", "CMYK JPEG 160x120 q90 (PIL's encoder) with its Adobe APP14 marker removed"))

    photo_like(240, 180, 20261204).save(OUT / "rgb-422.jpg", quality=90, subsampling=1)
    files.append(("rgb-422.jpg", "RGB JPEG 240x180 4:2:2 q90 (PIL's encoder)"))

    samples = np.ascontiguousarray(np.asarray(photo_like(180, 240, 20261205), dtype=np.uint8))
    (OUT / "rgb-440.jpg").write_bytes(tj_compress(samples, TJPF_RGB, TJSAMP_440))
    files.append(("rgb-440.jpg", "RGB JPEG 180x240 4:4:0 q90 (libjpeg-turbo's encoder)"))

    photo_like(256, 192, 20261206).save(OUT / "lossy.webp", quality=80)
    files.append(("lossy.webp", "lossy WebP (VP8) 256x192 q80"))

    rgba = photo_like(200, 150, 20261207)
    alpha = Image.fromarray(np.tile(np.linspace(0, 255, 200), (150, 1)).astype(np.uint8), "L")
    ImageDraw.Draw(alpha).ellipse([30, 30, 90, 100], fill=0)
    rgba.putalpha(alpha)
    rgba.save(OUT / "lossy-alpha.webp", quality=80)
    files.append(("lossy-alpha.webp", "lossy WebP 200x150 q80 with alpha (ramp + fully transparent ellipse)"))

    photo_like(600, 520, 20261208, scale=2.0).save(OUT / "reduce-600x520.jpg", quality=88, subsampling=1)
    files.append(("reduce-600x520.jpg", "RGB JPEG 600x520 4:2:2 q88: decode.jpeg-reduce scales it by 1/2"))
    photo_like(2560, 2048, 20261209, grain=1.0, scale=8.0).save(OUT / "reduce-2560x2048.jpg", quality=80)
    files.append(("reduce-2560x2048.jpg", "RGB JPEG 2560x2048 4:2:0 q80: decode.jpeg-reduce scales it by 1/8"))

    entries = []
    for name, description in files:
        path = OUT / name
        stem = path.stem
        img = Image.open(path)
        entry = {"file": name, "description": description, "format": img.format, "pil_mode": img.mode,
                 "size_wh": list(img.size), "bytes": path.stat().st_size}
        for key in ("adobe", "adobe_transform"):
            if key in img.info:
                entry[key] = img.info[key]
        if "icc_profile" in img.info:
            entry["icc_profile_bytes"] = len(img.info["icc_profile"])
        rgb = img.convert("RGB")
        if not stem.startswith("reduce-"):
            write_gz(OUT / (stem + ".rgb.gz"), np.asarray(rgb, dtype=np.uint8).tobytes())
        if stem in WITH_TENSORS:
            write_gz(OUT / (stem + ".caffe.f32.gz"), f32(caffe_input(rgb)))
        if stem in WITH_TENSORS + WITH_TORCH_TENSOR:
            write_gz(OUT / (stem + ".torch.f32.gz"), f32(torch_input(rgb)))
        if stem.startswith("reduce-"):
            entry["reduced"] = {}
            for mode in ("caffe", "torch"):
                small, s = reduced(path, mode)
                entry["reduced"][mode] = {"draft_scale": "1/%d" % s, "decoded_size_wh": list(small.size)}
            # Both modes reduce these two by the same scale, so one decode serves both.
            assert entry["reduced"]["caffe"] == entry["reduced"]["torch"], entry["reduced"]
            write_gz(OUT / (stem + ".reduced.rgb.gz"), np.asarray(small, dtype=np.uint8).tobytes())
        entries.append(entry)

    assert Image.open(OUT / "ycck.jpg").info.get("adobe_transform") == 2
    assert "adobe" not in Image.open(OUT / "cmyk-no-adobe.jpg").info
    manifest = {
        "generator": "tools/golden/make_decoder_golden.py",
        "command": "/usr/bin/python3 tools/golden/make_decoder_golden.py",
        "versions": {"PIL": PIL.__version__, "libjpeg_turbo": features.version("libjpeg_turbo"),
                     "libwebp": features.version("webp"), "numpy": np.__version__},
        "reference": "Image.open(path).convert('RGB'); caffe: NEAREST 224x224, BGR minus means; torch: "
                     "Resize(256) BILINEAR + CenterCrop(224) + ToTensor + Normalize; reduced: img.draft('RGB', "
                     "(w // s, h // s)) before convert. Pixels raw RGB HWC, tensors float32 LE HWC, gzip mtime 0.",
        "icc_probe_max_shift_when_applied": icc_shift,
        "images": entries,
        "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(OUT.iterdir()) if p.name != "manifest.json"},
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print("wrote %s: %d files, %d bytes" % (OUT, len(manifest["files"]) + 1, total))


if __name__ == "__main__":
    main()
