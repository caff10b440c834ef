#!/usr/bin/python3
"""CMYK JPEG golden data: what PIL makes of a CMYK JPEG, for the decoder's CMYK path.

PIL decodes Adobe CMYK JPEGs as inverted CMYK ("CMYK;I") and converts to RGB naively
(R = (255 - K) - C * (255 - K) / 255, no colour management); that is what Keras and
torchvision users get. Writes into worker/src/test/resources/golden/cmyk/:
  photo-cmyk.jpg        192x144 CMYK JPEG (Adobe APP14), smooth C/M/Y with K varying 0..255
  photo-cmyk.rgb        PIL's Image.open(...).convert('RGB'), raw bytes, HWC
  photo-cmyk.caffe.f32.gz  the caffe network input (NEAREST to 224x224, BGR minus means), float32 LE, HWC, gzip

Run with Debian's python3-pil and python3-numpy: /usr/bin/python3 tools/golden/make_cmyk_golden.py
"""
import gzip
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parents[2] / "worker/src/test/resources/golden/cmyk"
CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)


def cmyk_image(w=192, h=144, seed=20261125):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    c = 127 + 120 * np.sin(xx / 17.0 + yy / 29.0)
    m = 127 + 120 * np.cos(xx / 23.0 - yy / 13.0)
    y = 255 * xx / (w - 1)
    k = 255 * yy / (h - 1)  # every K level, top to bottom
    arr = np.stack([c, m, y, k], axis=-1) + rng.normal(0, 6, size=(h, w, 4))
    return Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), "CMYK")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "photo-cmyk.jpg"
    cmyk_image().save(path, format="JPEG", quality=90)
    img = Image.open(path)
    assert img.mode == "CMYK" and img.info.get("adobe") is not None, (img.mode, img.info)
    rgb = img.convert("RGB")
    (OUT / "photo-cmyk.rgb").write_bytes(np.asarray(rgb, dtype=np.uint8).tobytes())
    x = np.asarray(rgb.resize((224, 224), Image.NEAREST), dtype=np.float32)[..., ::-1] - CAFFE_MEAN_BGR
    raw = np.ascontiguousarray(x, dtype="<f4").tobytes()
    (OUT / "photo-cmyk.caffe.f32.gz").write_bytes(gzip.compress(raw, mtime=0))
    print("wrote", OUT, img.size, "adobe transform", img.info.get("adobe_transform"))


if __name__ == "__main__":
    main()
