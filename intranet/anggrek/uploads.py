"""Flag attachments: checked by size, extension and content, images re-encoded without their
metadata, stored under ``UPLOAD_DIR`` (outside ``static/``) with a random name."""

import hashlib
import io
import os
import re
import secrets
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from werkzeug.utils import secure_filename

from ..core.refusals import Refusal
from .settings import setting

# extension -> the content type its bytes must have
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "mp4": "video/mp4",
}

SUBDIR = "anggrek/flags"

# PDF names of active content: scripts, launch actions, embedded files.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile)[\s()<>\[\]/]")


class UploadRefused(Refusal):
    """An attachment that cannot be kept (a ``Refusal`` on the form's ``attachment`` field)."""

    code = "upload"

    def __init__(self, message, *, field="attachment", **kwargs):
        super().__init__(message, field=field, **kwargs)


@dataclass
class CheckedUpload:
    data: bytes
    extension: str
    content_type: str
    original_name: str

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def _strip_image(data, fmt):
    """Re-encode an image: drops EXIF/GPS and anything appended to it (polyglots)."""
    Image.MAX_IMAGE_PIXELS = 40_000_000
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            if fmt == "JPEG":
                img.convert("RGB").save(out, "JPEG", quality=90)
            else:
                img.save(out, "PNG")
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(_l("The image cannot be read; attach another file.")) from None


def check(storage):
    """Validate an uploaded FileStorage; return a CheckedUpload or raise UploadRefused."""
    allowed = [e.lower() for e in setting("flag_extensions") if e.lower() in CONTENT_TYPES]
    max_bytes = int(setting("flag_max_bytes"))
    raw_name = storage.filename or ""
    name = secure_filename(os.path.basename(raw_name.replace("\\", "/"))) or "attachment"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in allowed:
        raise UploadRefused(
            _l(
                "Files of this type cannot be attached. Allowed: %(types)s.",
                types=", ".join(sorted({e.upper() for e in allowed})),
            )
        )
    data = storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        megabytes = f"{max_bytes / 1024 / 1024:g}"
        raise UploadRefused(_l("The file is larger than %(mb)s MB.", mb=megabytes))
    if not data:
        raise UploadRefused(_l("The file is empty."))
    kind = filetype.guess(data)
    expected = CONTENT_TYPES[ext]
    if kind is None or kind.mime != expected:
        raise UploadRefused(
            _l("The file's content does not match its extension (.%(ext)s).", ext=ext)
        )
    if ext == "pdf":
        # Active content has no place in evidence: refuse PDFs that carry scripts or launch actions.
        if PDF_ACTIVE.search(data):
            raise UploadRefused(_l("PDF files with scripts or embedded files cannot be attached."))
        if b"%%EOF" not in data[-2048:]:
            raise UploadRefused(_l("The PDF file is incomplete or damaged."))
    elif expected == "image/jpeg":
        data = _strip_image(data, "JPEG")
    elif expected == "image/png":
        data = _strip_image(data, "PNG")
    return CheckedUpload(data=data, extension=ext, content_type=expected, original_name=name[:200])


def upload_root():
    return current_app.config["UPLOAD_DIR"]


def store(upload):
    """Write the file; return its name relative to UPLOAD_DIR."""
    directory = os.path.join(upload_root(), SUBDIR)
    os.makedirs(directory, mode=0o750, exist_ok=True)
    stored = f"{SUBDIR}/{secrets.token_hex(16)}.{upload.extension}"
    path = os.path.join(upload_root(), stored)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as fh:
        fh.write(upload.data)
    return stored


def path_of(stored_name):
    root = os.path.realpath(upload_root())
    path = os.path.realpath(os.path.join(root, stored_name))
    if not path.startswith(root + os.sep):
        raise FileNotFoundError(stored_name)
    return path


def remove(stored_name):
    try:
        os.remove(path_of(stored_name))
    except FileNotFoundError:
        pass
