"""Real image files, made with Pillow, for the profile picture tests."""

import io
import struct
import zlib

from PIL import ExifTags, Image

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def image_file(image_format: str, *, size=(320, 200), color=RED, mode="RGB", **save) -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, color).save(output, image_format, **save)
    return output.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo's JPEG with EXIF: camera, GPS position, comment."""
    picture = Image.new("RGB", (400, 300), RED)
    exif = picture.getexif()
    exif[ExifTags.Base.Make] = "OverworldCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    output = io.BytesIO()
    picture.save(output, "JPEG", exif=exif, comment=b"taken at home")
    return output.getvalue()


def sideways_jpeg() -> bytes:
    """Stored 200 x 100, red left and blue right, with EXIF orientation 6: shown upright, red is on top."""
    picture = Image.new("RGB", (200, 100), RED)
    picture.paste(BLUE, (100, 0, 200, 100))
    exif = picture.getexif()
    exif[ExifTags.Base.Orientation] = 6
    output = io.BytesIO()
    picture.save(output, "JPEG", exif=exif, quality=95)
    return output.getvalue()


def animated_gif() -> bytes:
    """Two frames: red, then blue."""
    output = io.BytesIO()
    first, second = Image.new("RGB", (100, 100), RED), Image.new("RGB", (100, 100), BLUE)
    first.save(output, "GIF", save_all=True, append_images=[second], duration=100, loop=0)
    return output.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 100_000) -> bytes:
    """A PNG of a few dozen bytes whose header declares side x side pixels (tens of gigabytes decoded)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def decoded(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture
