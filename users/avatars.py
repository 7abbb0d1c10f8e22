"""
Profile pictures: what is accepted, how it is made safe to serve, where it is stored, and its URLs.

An upload is never served as sent. It must be a JPEG, PNG, WebP or GIF of at most MAX_BYTES and
MAX_SIDE pixels a side, whose content is the type it was sent as, that ends where its format says it
ends and carries no markup or script (a polyglot: a file that is also a page, an archive or a program);
it is decoded with Pillow (a GIF's or an animated WebP's first frame), turned upright (EXIF orientation),
cropped to a centred square, and encoded anew as WebP at each of SIZES, from the pixels alone: EXIF (GPS
included), XMP, comments and colour profiles are left behind.

The two files are stored through Django's storage API (the `avatars` entry of STORAGES: files on this
machine, or an S3-compatible store, see overworld/storage_config.py) under a random name, recorded in
`User.avatar`. A new picture or a removal deletes the previous files once the change is committed; so
does the deletion of the account.

Without a picture of their own, a user who turned `use_gravatar` on is shown the Gravatar of their
e-mail address; nobody else's address is ever hashed into an answer.
"""

import hashlib
import io
import logging
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpRequest
from PIL import Image, ImageCms, UnidentifiedImageError

from overworld.exceptions import ForbiddenError
from users.models import User
from users.security import client_address, security_log

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000
# The square sizes served, in pixels: `large` for a profile, `small` for lists.
SIZES = {"large": 256, "small": 64}
WEBP_QUALITY = 85
# What each accepted format is sent as. Pillow opens a JPEG with several pictures (MPF: a phone's depth
# or gain map after the photo) as MPO.
MEDIA_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
# Names clients give these types besides the registered ones.
_MEDIA_TYPE_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png"}
# Sent when a client does not know the type: the content alone decides.
_UNSPECIFIED_MEDIA_TYPES = {"", "application/octet-stream"}
GRAVATAR_URL = "https://gravatar.com/avatar/{digest}?s={size}&d=retro"

NO_IMAGE = "No image was sent."
TOO_LARGE = f"The image is larger than {MAX_BYTES // (1024 * 1024)} MiB."
TOO_MANY_PIXELS = f"The image is larger than {MAX_SIDE} pixels on a side."
NOT_AN_IMAGE = "The file is not an image in an accepted format: JPEG, PNG, WebP or GIF."
CORRUPT = "The image is truncated or corrupt."
POLYGLOT = "The file holds more than an image (data after its end, or markup or script)."
OTHER_USERS_PICTURE = "You can only change your own picture."

# Markup or script a browser or a server could run from a file also taken for an image. Five bytes or
# more each, so that compressed pixel data contains one by chance in far fewer than 1 in 10,000 photos.
_ACTIVE_CONTENT = re.compile(
    rb"<(?:script|html|body|iframe|object|embed|svg[\s>/]|\?php|!doctype)|javascript:", re.IGNORECASE
)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError({"avatar": [ValidationError(message, code=code)]})


# --- Where each format says its image ends (anything after it is another file riding along) ---


def _jpeg_end(data: bytes) -> int:
    if data[:2] != b"\xff\xd8":
        raise ValueError("no start of image")
    position = 2
    while True:
        if data[position] != 0xFF:
            raise ValueError("a segment does not start with a marker")
        while data[position] == 0xFF:  # fill bytes
            position += 1
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image
            return position
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            continue
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2:
            raise ValueError("a segment's length is wrong")
        position += length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                found = data.index(b"\xff", position)
                after = found + 1
                while data[after] == 0xFF:
                    after += 1
                if data[after] == 0x00 or 0xD0 <= data[after] <= 0xD7:  # a stuffed 0xFF, a restart
                    position = after + 1
                    continue
                position = found
                break


def _png_end(data: bytes) -> int:
    position = 8
    while True:
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if len(kind) < 4 or position > len(data):
            raise ValueError("truncated")
        if kind == b"IEND":
            return position


def _gif_sub_blocks_end(data: bytes, position: int) -> int:
    while True:
        size = data[position]
        position += 1
        if size == 0:
            return position
        position += size


def _gif_end(data: bytes) -> int:
    flags = data[10]
    position = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while True:
        block = data[position]
        if block == 0x3B:  # trailer
            return position + 1
        if block == 0x21:  # extension: label, then sub-blocks
            position = _gif_sub_blocks_end(data, position + 2)
        elif block == 0x2C:  # image: descriptor, local colour table, LZW code size, sub-blocks
            flags = data[position + 9]
            position += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            position = _gif_sub_blocks_end(data, position + 1)
        else:
            raise ValueError("unknown block")


def _webp_end(data: bytes) -> int:
    size = int.from_bytes(data[4:8], "little")
    end = 8 + size + (size & 1)
    if end > len(data):
        raise ValueError("truncated")
    return end


_IMAGE_END = {"JPEG": _jpeg_end, "MPO": _jpeg_end, "PNG": _png_end, "GIF": _gif_end, "WEBP": _webp_end}


def _declared_media_type(content_type: str | None) -> str:
    media_type = (content_type or "").split(";")[0].strip().lower()
    return _MEDIA_TYPE_ALIASES.get(media_type, media_type)


def _open(data: bytes, content_type: str | None) -> Image.Image:
    """The upload opened (not yet decoded) once its size, type and structure are acceptable."""
    if not data:
        raise _invalid(NO_IMAGE, "required")
    if len(data) > MAX_BYTES:
        raise _invalid(TOO_LARGE, "too_large")
    try:
        picture = Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP", "GIF"])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # More pixels than Pillow will ever allocate for: refused before anything is decoded.
        raise _invalid(TOO_MANY_PIXELS, "too_many_pixels") from error
    except UnidentifiedImageError as error:
        raise _invalid(NOT_AN_IMAGE, "not_an_image") from error
    except Exception as error:  # a header Pillow recognised but cannot parse
        raise _invalid(CORRUPT, "corrupt") from error
    detected = MEDIA_TYPES.get(picture.format)
    if detected is None:
        raise _invalid(NOT_AN_IMAGE, "not_an_image")
    declared = _declared_media_type(content_type)
    if declared not in _UNSPECIFIED_MEDIA_TYPES and declared != detected:
        raise _invalid(f"The file is {detected} but was sent as {declared}.", "type_mismatch")
    if picture.width > MAX_SIDE or picture.height > MAX_SIDE:
        raise _invalid(TOO_MANY_PIXELS, "too_many_pixels")
    try:
        end = _IMAGE_END[picture.format](data)
    except (IndexError, ValueError) as error:
        raise _invalid(CORRUPT, "corrupt") from error
    # An MPO's further pictures follow its first one's end; zeros are a writer's padding.
    trailing = data[end:] if picture.format != "MPO" else b""
    if trailing.strip(b"\x00") or _ACTIVE_CONTENT.search(data):
        raise _invalid(POLYGLOT, "polyglot")
    return picture


# EXIF orientation -> the transposition that makes the picture upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _square(picture: Image.Image) -> Image.Image:
    """
    The first frame's centred square at the largest of SIZES, upright, in sRGB, as RGB or RGBA, with none
    of the upload's metadata. Scaled down first: every later step then works on 256 x 256 pixels, not on
    up to 8000 x 8000 (a tenth of a second rather than seconds). The centred square of an upright picture
    is the upright centred square, so the order does not change the result.
    """
    large = SIZES["large"]
    # A JPEG is decoded at the smallest scale (1/2 .. 1/8) that still covers the largest size.
    picture.draft(None, (large, large))
    try:
        picture.load()
        orientation = picture.getexif().get(0x0112)
    except Exception as error:  # Pillow's decoders raise many kinds of errors on damaged data
        raise _invalid(CORRUPT, "corrupt") from error
    has_alpha = picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in picture.info
    icc_profile = picture.info.get("icc_profile")
    if picture.mode.startswith("I") or picture.mode == "F":  # 16-bit or float greyscale
        picture = picture.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if picture.mode not in ("RGB", "RGBA", "L", "LA"):  # those Pillow scales as they are
        picture = picture.convert("RGBA" if has_alpha else "RGB")
    side = min(picture.size)
    left, top = (picture.width - side) // 2, (picture.height - side) // 2
    picture = picture.resize(
        (large, large), Image.Resampling.LANCZOS, box=(left, top, left + side, top + side), reducing_gap=3.0
    )
    if orientation in _UPRIGHT:
        picture = picture.transpose(_UPRIGHT[orientation])
    picture = picture.convert("RGBA" if has_alpha else "RGB")
    if icc_profile:
        try:
            picture = ImageCms.profileToProfile(
                picture, ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)), _SRGB, outputMode=picture.mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            logger.info("avatar: colour profile not applied (unreadable)")
    # From the pixels alone: no metadata of the upload (EXIF, XMP, ICC, comments) goes further.
    return Image.frombytes(picture.mode, picture.size, picture.tobytes())


def _webp(picture: Image.Image) -> bytes:
    output = io.BytesIO()
    picture.save(output, "WEBP", quality=WEBP_QUALITY, method=4)
    return output.getvalue()


def avatar_render(*, image: bytes, content_type: str | None = None) -> dict[str, bytes]:
    """
    The WebP files of each of SIZES made from an upload, `content_type` being the type it was sent as
    (None or application/octet-stream: unknown). ValidationError on `avatar` when it is refused.
    """
    square = _square(_open(image, content_type))
    return {
        name: _webp(square if size == square.width else square.resize((size, size), Image.Resampling.LANCZOS))
        for name, size in SIZES.items()
    }


# --- Storage and URLs ---


def _file_names(key: str) -> dict[str, str]:
    return {name: f"{key}-{size}.webp" for name, size in SIZES.items()}


def _files_delete(key: str) -> None:
    storage = storages["avatars"]
    for name in _file_names(key).values():
        try:
            storage.delete(name)
        except Exception:
            # A file left behind wastes space but breaks nothing: its name is in no answer any more.
            logger.warning("avatar file %s could not be deleted", name, exc_info=True)


def gravatar_url(email: str, size: int) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return GRAVATAR_URL.format(digest=digest, size=size)


def avatar_urls(user: User) -> dict[str, str] | None:
    """
    `{"small", "large"}`: the URLs of the user's picture, or of their Gravatar when they have none and
    turned `use_gravatar` on; else None. No query: everything needed is on the user's row.
    """
    if user.avatar:
        storage = storages["avatars"]
        return {name: storage.url(file_name) for name, file_name in _file_names(user.avatar).items()}
    if user.use_gravatar and user.email:
        return {name: gravatar_url(user.email, size) for name, size in SIZES.items()}
    return None


def legacy_gravatar_url(user: User) -> str | None:
    """The original web client's `gravatar`: the large picture's URL, or null."""
    urls = avatar_urls(user)
    return None if urls is None else urls["large"]


# --- Services ---


def _replace_key(*, user: User, key: str) -> str:
    """Records `key` as the user's picture; the previous key, whose files are deleted on commit."""
    with transaction.atomic():
        # Locked: of two simultaneous uploads, the second sees the first's files, and deletes them.
        previous = User.objects.select_for_update().values_list("avatar", flat=True).get(pk=user.pk)
        user.avatar = key
        if previous == key:  # nothing to remove
            return previous
        user.save(update_fields=["avatar"])  # the profile cache's invalidation listens
        if previous:
            transaction.on_commit(lambda: _files_delete(previous))
    return previous


def avatar_set(
    *,
    user: User,
    actor: User,
    image: bytes,
    content_type: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """
    Makes `image` (sent as `content_type`) the user's picture, after avatar_render's checks. Only the
    owner may. The new files are stored before the user row names them; the previous ones are deleted
    once that is committed.
    """
    if actor.pk != user.pk:
        raise ForbiddenError(OTHER_USERS_PICTURE)
    rendered = avatar_render(image=image, content_type=content_type)
    key = secrets.token_hex(16)
    storage = storages["avatars"]
    try:
        for name, file_name in _file_names(key).items():
            storage.save(file_name, ContentFile(rendered[name]))
        _replace_key(user=user, key=key)
    except BaseException:
        _files_delete(key)
        raise
    security_log.info("avatar set user=%s client=%s", user.pk, client_address(request))
    return user


def avatar_remove(*, user: User, actor: User, request: HttpRequest | None = None) -> User:
    """
    Removes the user's picture (their Gravatar shows again if they opted in). The owner may, and so may
    staff (moderation), which the security log records.
    """
    if actor.pk != user.pk and not actor.is_staff:
        raise ForbiddenError(OTHER_USERS_PICTURE)
    if not _replace_key(user=user, key=""):
        return user
    if actor.pk == user.pk:
        security_log.info("avatar removed user=%s client=%s", user.pk, client_address(request))
    else:
        security_log.warning(
            "avatar removed by staff user=%s staff=%s client=%s", user.pk, actor.pk, client_address(request)
        )
    return user


@receiver(post_delete, sender=User)
def _user_deleted(sender, instance: User, **kwargs) -> None:
    if instance.avatar:
        key = instance.avatar
        transaction.on_commit(lambda: _files_delete(key))
