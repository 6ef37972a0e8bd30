"""Checking, cleaning and storing uploaded deliverables.

Every file is checked before anything is written: a safe name, an allowed extension, the size
limits, and content that really is what the extension says (PDF, Word/Excel OOXML, JPEG, PNG) and
nothing else besides (no appended ZIP or PDF, no HTML or script, no macros, no zip bomb). Images
are decoded and re-encoded, which drops their metadata (EXIF GPS included). Files are stored under
``UPLOAD_DIR`` with random names; the original name is only ever used as the download name.
"""

import hashlib
import io
import os
import re
import secrets
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..core.refusals import Refusal

EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "jpg": "JPEG",
    "png": "PNG",
}

MAX_IMAGE_PIXELS = 40_000_000
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200
SUBDIR = "cempaka"

# Markers of another format hidden inside a file (polyglots). The ZIP one is an end-of-central-
# directory record of a single-disk archive, which every ZIP file ends with.
_ZIP_EOCD = re.compile(rb"PK\x05\x06\x00\x00\x00\x00")
_HTML = re.compile(
    rb"<\s*(script|html|body|iframe|svg|object|embed)\b|<\?php|<!doctype\s+html", re.IGNORECASE
)
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)\b")


class UploadRefused(Refusal):
    """A file was refused; the message says which and why, in the user's language. It belongs
    by the form's file field (``files``)."""

    def __init__(self, message, *, field="files", **kwargs):
        super().__init__(message, field=field, **kwargs)


@dataclass
class CheckedFile:
    original_name: str
    kind: str
    content_type: str
    data: bytes
    upload_sha256: str
    sha256: str
    metadata_removed: bool = False

    @property
    def size(self):
        return len(self.data)


def _mb(nbytes):
    from .labels import megabytes

    return megabytes(round(nbytes / (1024 * 1024), 1))


def clean_name(raw):
    """The user's file name, or UploadRefused for names that try to be a path."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise UploadRefused(_("A file without a name was sent. Choose the file again."))
    bad = (
        any(ch in name for ch in "/\\:\x00")
        or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name)
        or name.startswith(".")
        or name.endswith((".", " "))
        or len(name) > 200
    )
    if bad:
        raise UploadRefused(
            _(
                "The file name “%(name)s” is not allowed: use a plain name such as "
                "laporan.pdf, without folders or special characters.",
                name=name[:80],
            )
        )
    return name


def extension_of(name):
    if "." not in name:
        return None
    return EXTENSIONS.get(name.rsplit(".", 1)[1].lower())


def read_limited(storage, limit):
    """Read at most ``limit`` bytes; None when the file is larger."""
    stream = storage.stream
    chunks, total = [], 0
    while True:
        chunk = stream.read(min(1024 * 1024, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            return None
    return b"".join(chunks)


def check_uploads(storages, settings):
    """Check every uploaded file; returns [CheckedFile] or raises UploadRefused (nothing is
    written in either case)."""
    storages = [s for s in storages or [] if s is not None and (s.filename or "").strip()]
    if len(storages) > settings.max_files:
        raise UploadRefused(
            _("At most %(n)d files can be attached to one deliverable.", n=settings.max_files)
        )
    checked, total = [], 0
    for storage in storages:
        name = clean_name(storage.filename)
        kind = extension_of(name)
        if kind is None:
            raise UploadRefused(
                _(
                    "“%(name)s” has a file type that is not accepted. Attach PDF, Word (.docx), "
                    "Excel (.xlsx), JPEG or PNG files.",
                    name=name,
                )
            )
        data = read_limited(storage, settings.max_file_bytes)
        if data is None:
            raise UploadRefused(
                _(
                    "“%(name)s” is larger than %(limit)s MB, the limit per file.",
                    name=name,
                    limit=_mb(settings.max_file_bytes),
                )
            )
        if not data:
            raise UploadRefused(_("“%(name)s” is empty.", name=name))
        total += len(data)
        if total > settings.max_total_bytes:
            raise UploadRefused(
                _(
                    "The files together are larger than %(limit)s MB, the limit per deliverable.",
                    limit=_mb(settings.max_total_bytes),
                )
            )
        checked.append(check_content(name, kind, data))
    return checked


def _not_what_it_claims(name, kind):
    return UploadRefused(
        _(
            "“%(name)s” is not a real %(kind)s file: its content does not match its extension.",
            name=name,
            kind=KIND_LABELS[kind],
        )
    )


def _hidden_content(name):
    return UploadRefused(
        _(
            "“%(name)s” contains hidden content of another kind (for example an archive or web "
            "page inside it) and was refused. Save or export the file again and attach the new "
            "copy.",
            name=name,
        )
    )


def check_content(name, kind, data):
    upload_sha = hashlib.sha256(data).hexdigest()
    guess = filetype.guess(data[:8192])
    guessed = guess.extension if guess is not None else None
    if kind == "pdf":
        if guessed != "pdf" or not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            raise _not_what_it_claims(name, kind)
        if _ZIP_EOCD.search(data) or _HTML.search(data[:4096]):
            raise _hidden_content(name)
        if _PDF_ACTIVE.search(data):
            raise UploadRefused(
                _(
                    "“%(name)s” contains scripts, embedded files or launch actions, which are not "
                    "accepted in a PDF. Print it to a new PDF and attach that.",
                    name=name,
                )
            )
        stored = data
    elif kind in ("docx", "xlsx"):
        if guessed not in ("docx", "xlsx", "zip") or not data.startswith(b"PK\x03\x04"):
            raise _not_what_it_claims(name, kind)
        _check_ooxml(name, kind, data)
        stored = data
    else:
        expected = {"jpg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}[kind]
        if guessed != kind or not data.startswith(expected):
            raise _not_what_it_claims(name, kind)
        if _ZIP_EOCD.search(data) or _HTML.search(data) or b"%PDF-" in data:
            raise _hidden_content(name)
        stored = _reencode_image(name, kind, data)
    return CheckedFile(
        original_name=name,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        data=stored,
        upload_sha256=upload_sha,
        sha256=hashlib.sha256(stored).hexdigest(),
        metadata_removed=stored is not data,
    )


def _check_ooxml(name, kind, data):
    # The archive must end exactly with its end-of-central-directory record (nothing appended).
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        raise _not_what_it_claims(name, kind)
    comment_len = int.from_bytes(data[end + 20 : end + 22], "little")
    if end + 22 + comment_len != len(data):
        raise _hidden_content(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if not infos or len(infos) > ZIP_MAX_ENTRIES:
                raise _not_what_it_claims(name, kind)
            if min(i.header_offset for i in infos) != 0:
                raise _hidden_content(name)  # something was put before the archive
            names = {i.filename for i in infos}
            if any(n.startswith(("/", "\\")) or ".." in n.split("/") for n in names):
                raise _hidden_content(name)
            uncompressed = sum(i.file_size for i in infos)
            compressed = sum(i.compress_size for i in infos) or 1
            if uncompressed > ZIP_MAX_UNCOMPRESSED or uncompressed / compressed > ZIP_MAX_RATIO:
                raise UploadRefused(
                    _(
                        "“%(name)s” expands to far more data than a document holds and was "
                        "refused.",
                        name=name,
                    )
                )
            if "[Content_Types].xml" not in names:
                raise _not_what_it_claims(name, kind)
            main_part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
            if main_part not in names:
                raise _not_what_it_claims(name, kind)
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise UploadRefused(
                    _(
                        "“%(name)s” contains macros, which are not accepted. Save it as a normal "
                        "document without macros and attach it again.",
                        name=name,
                    )
                )
            if zf.testzip() is not None:
                raise _not_what_it_claims(name, kind)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        raise _not_what_it_claims(name, kind) from None


def _reencode_image(name, kind, data):
    """Decode and re-encode: the stored image carries pixels and colour profile only."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format != {"jpg": "JPEG", "png": "PNG"}[kind]:
                    raise _not_what_it_claims(name, kind)
                if img.width * img.height > MAX_IMAGE_PIXELS:
                    raise UploadRefused(
                        _("“%(name)s” has too many pixels; attach a smaller image.", name=name)
                    )
                img.load()
                if kind == "png":
                    _check_png_end(name, data)
                icc = img.info.get("icc_profile")
                transparency = img.info.get("transparency")
                clean = ImageOps.exif_transpose(img)  # keep the photo upright once EXIF is gone
                clean.info = {}
                out = io.BytesIO()
                if kind == "jpg":
                    if clean.mode not in ("RGB", "L", "CMYK"):
                        clean = clean.convert("RGB")
                    params = {"quality": 90}
                    if icc:
                        params["icc_profile"] = icc
                    clean.save(out, "JPEG", **params)
                else:
                    params = {}
                    if icc:
                        params["icc_profile"] = icc
                    if transparency is not None and clean.mode in ("P", "L", "RGB"):
                        params["transparency"] = transparency
                    clean.save(out, "PNG", **params)
                return out.getvalue()
    except UploadRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise UploadRefused(
            _("“%(name)s” has too many pixels; attach a smaller image.", name=name)
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _not_what_it_claims(name, kind) from None


def _check_png_end(name, data):
    """Nothing may follow the IEND chunk."""
    end = data.rfind(b"IEND")
    if end < 0 or end + 8 != len(data):
        raise _hidden_content(name)


# ----- storage ---------------------------------------------------------------------------------


def upload_root():
    return os.path.realpath(current_app.config["UPLOAD_DIR"])


def path_for(stored_name):
    """Absolute path of a stored file; refuses anything that would leave UPLOAD_DIR."""
    root = upload_root()
    path = os.path.realpath(os.path.join(root, stored_name))
    if not path.startswith(root + os.sep):
        raise ValueError("stored name outside the upload directory")
    return path


def store(checked_files):
    """Write the files under random names; returns their names relative to UPLOAD_DIR. On any
    failure the files written so far are removed."""
    written = []
    try:
        for cf in checked_files:
            token = secrets.token_hex(16)
            stored_name = f"{SUBDIR}/{token[:2]}/{token}"
            path = path_for(stored_name)
            os.makedirs(os.path.dirname(path), mode=0o750, exist_ok=True)
            tmp = path + ".part"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            with os.fdopen(fd, "wb") as fh:
                fh.write(cf.data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            written.append(stored_name)
    except BaseException:
        remove(written)
        raise
    return written


def remove(stored_names):
    for stored_name in stored_names:
        try:
            os.unlink(path_for(stored_name))
        except (OSError, ValueError):
            pass
