"""Cadre photos: JPEG or PNG only, at most 2 MB, stored cropped to the form's 4:5 portrait."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 2 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG"}
MAX_PHOTO_PIXELS = 40_000_000


def crop_to_portrait(data: bytes, name: str = "photo.jpg") -> ContentFile:
    """Check the bytes really are a JPEG/PNG photo and crop them centred to width:height = 4:5."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError("照片不能超过 2 MB。")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            # The header gives the size before anything is decoded: refuse decompression bombs here.
            width, height = probe.size
            if width * height > MAX_PHOTO_PIXELS:
                raise ValidationError("照片像素过大（超过 4000 万像素），请缩小后再上传。")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("照片文件无法识别，请上传 JPG 或 PNG 格式的图片。") from exc
    if image.format not in ALLOWED_FORMATS:
        raise ValidationError("照片只能是 JPG 或 PNG 格式。")
    width, height = image.size
    if width * 5 > height * 4:  # too wide: trim the sides
        new_width = height * 4 // 5
        left = (width - new_width) // 2
        image = image.crop((left, 0, left + new_width, height))
    elif width * 5 < height * 4:  # too tall: trim the bottom and top
        new_height = width * 5 // 4
        top = (height - new_height) // 2
        image = image.crop((0, top, width, top + new_height))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=90)
    stem = name.rsplit(".", 1)[0] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.jpg")
