#!/usr/bin/python3
"""Writes the small image files of worker/src/test/resources/formats/: one per format and
variant people send (the decoder must decode them, not dead-letter them). Deterministic.
Run with Debian's python3-pil: /usr/bin/python3 tools/make_format_samples.py"""

ORIENTATION = 0x0112
import os
from PIL import Image, ImageDraw

OUT = os.path.join(os.path.dirname(__file__), "..", "worker", "src", "test", "resources", "formats")


def picture(size=(96, 64)):
    img = Image.new("RGB", size)
    px = img.load()
    for y in range(size[1]):
        for x in range(size[0]):
            px[x, y] = (x * 255 // size[0], y * 255 // size[1], (x * y) % 256)
    ImageDraw.Draw(img).ellipse((20, 10, 60, 50), fill=(250, 240, 20))
    return img


def expectations():
    """expected.tsv: per file, size and PIL's convert('RGB') mean of R, G and B: what a decoder
    that treats the file as PIL does must reproduce; and the EXIF orientation PIL reads (1: none),
    which PIL's open ignores as Keras does, and ImageOps.exif_transpose applies."""
    rows = []
    for name in sorted(os.listdir(OUT)):
        if name.endswith((".tsv", ".md")):
            continue
        img = Image.open(os.path.join(OUT, name))
        rgb = img.convert("RGB")
        n = rgb.size[0] * rgb.size[1]
        sums = [0, 0, 0]
        for p in rgb.getdata():
            for c in range(3):
                sums[c] += p[c]
        orientation = img.getexif().get(ORIENTATION, 1)
        rows.append("%s\t%s\t%d\t%d\t%.4f\t%.4f\t%.4f\t%d" % (name, img.mode, rgb.size[0], rgb.size[1], sums[0] / n, sums[1] / n,
                                                           sums[2] / n, orientation))
    with open(os.path.join(OUT, "expected.tsv"), "w") as f:
        f.write("file\tpil_mode\twidth\theight\tmean_r\tmean_g\tmean_b\texif_orientation\n")
        f.write("\n".join(rows) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    img = picture()
    img.save(os.path.join(OUT, "baseline.jpg"), quality=90)
    img.save(os.path.join(OUT, "progressive.jpg"), quality=90, progressive=True)
    # Stored sideways, as cameras write portraits: the tag says "rotate 90 degrees clockwise".
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    img.save(os.path.join(OUT, "exif-rotated.jpg"), quality=90, exif=exif.tobytes())
    assert Image.open(os.path.join(OUT, "exif-rotated.jpg")).getexif().get(ORIENTATION) == 6, "the orientation tag was not written"
    img.convert("CMYK").save(os.path.join(OUT, "cmyk.jpg"), quality=90)
    img.convert("L").save(os.path.join(OUT, "gray.jpg"), quality=90)
    img.save(os.path.join(OUT, "rgb.png"))
    img.convert("P", palette=Image.ADAPTIVE, colors=32).save(os.path.join(OUT, "palette.png"))
    rgba = img.copy()
    rgba.putalpha(128)
    rgba.save(os.path.join(OUT, "alpha.png"))
    Image.frombytes("I;16", (32, 16), bytes(range(256)) * 4).save(os.path.join(OUT, "gray16.png"))
    frames = [img, img.transpose(Image.FLIP_LEFT_RIGHT)]
    frames[0].save(os.path.join(OUT, "animated.gif"), save_all=True, append_images=frames[1:], duration=100, loop=0)
    img.save(os.path.join(OUT, "image.bmp"))
    img.save(os.path.join(OUT, "lossy.webp"), quality=80)
    frames[0].save(os.path.join(OUT, "animated.webp"), save_all=True, append_images=frames[1:], duration=100, loop=0, quality=80)
    img.save(os.path.join(OUT, "lossless.webp"), lossless=True)
    expectations()


if __name__ == "__main__":
    main()
