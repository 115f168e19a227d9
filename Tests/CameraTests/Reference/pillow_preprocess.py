#!/usr/bin/env python3
"""Reference preprocessing computed with Pillow, for CameraTests.

Usage: pillow_preprocess.py INPUT.rgb WIDTH HEIGHT OUT_W OUT_H METHOD OUT_PREFIX

INPUT.rgb holds WIDTH*HEIGHT*3 packed RGB bytes. METHOD is "pad" (openpi's
resize-with-pad: PIL bilinear resize keeping the aspect ratio, black padding,
centred) or "crop" (centre crop to the output aspect ratio with integer
offsets, then PIL bilinear resize). Writes OUT_PREFIX.u8 (OUT_H*OUT_W*3 bytes,
HWC) and OUT_PREFIX.f32 (the same as float32 in [-1, 1], x / 255 * 2 - 1,
computed in float32 as numpy does for openpi).
"""
import sys

import numpy as np
from PIL import Image


def resize_with_pad(image: Image.Image, height: int, width: int) -> Image.Image:
    # Restates openpi's client image_tools._resize_with_pad_pil.
    cur_width, cur_height = image.size
    if cur_width == width and cur_height == height:
        return image
    ratio = max(cur_width / width, cur_height / height)
    resized_height = int(cur_height / ratio)
    resized_width = int(cur_width / ratio)
    resized = image.resize((resized_width, resized_height), resample=Image.BILINEAR)
    canvas = Image.new(resized.mode, (width, height), 0)
    pad_height = max(0, int((height - resized_height) / 2))
    pad_width = max(0, int((width - resized_width) / 2))
    canvas.paste(resized, (pad_width, pad_height))
    return canvas


def center_crop_resize(image: Image.Image, height: int, width: int) -> Image.Image:
    cur_width, cur_height = image.size
    crop_width, crop_height = cur_width, cur_height
    if cur_width * height > cur_height * width:
        crop_width = max(1, cur_height * width // height)
    else:
        crop_height = max(1, cur_width * height // width)
    left = (cur_width - crop_width) // 2
    top = (cur_height - crop_height) // 2
    cropped = image.crop((left, top, left + crop_width, top + crop_height))
    if cropped.size == (width, height):
        return cropped
    return cropped.resize((width, height), resample=Image.BILINEAR)


def main() -> None:
    path, width, height, out_w, out_h, method, prefix = sys.argv[1:8]
    width, height, out_w, out_h = int(width), int(height), int(out_w), int(out_h)
    with open(path, "rb") as f:
        data = f.read()
    image = Image.frombytes("RGB", (width, height), data)
    fit = resize_with_pad if method == "pad" else center_crop_resize
    result = np.asarray(fit(image, out_h, out_w), dtype=np.uint8)
    assert result.shape == (out_h, out_w, 3), result.shape
    result.tofile(prefix + ".u8")
    (result.astype(np.float32) / 255.0 * 2.0 - 1.0).astype(np.float32).tofile(prefix + ".f32")


if __name__ == "__main__":
    main()
