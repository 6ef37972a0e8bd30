"""Upload checks: type by content, disguised and polyglot files, names, sizes, metadata."""

import hashlib
import io

import pytest
from PIL import Image

from intranet.cempaka import settings as cset
from intranet.cempaka import uploads
from intranet.cempaka.uploads import UploadRefused, check_content, check_uploads


def _settings(**overrides):
    values = dict(cset.DEFAULTS)
    values.update(overrides)
    values["work_days"] = tuple(values["work_days"])
    return cset.CempakaSettings(**values)


@pytest.fixture(scope="module")
def _checks_app(tmp_path_factory):
    """The checks need no database, only the app's translations: one app for the module."""
    from intranet import create_app

    path = tmp_path_factory.mktemp("uploads") / "unused.db"
    return create_app("test", DATABASE_URL=f"sqlite:///{path}")


@pytest.fixture
def en(_checks_app):
    with _checks_app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


@pytest.mark.parametrize(
    "name,maker",
    [
        ("laporan.pdf", "pdf"),
        ("notulen.docx", "docx"),
        ("rekap.xlsx", "xlsx"),
        ("foto.jpg", "jpeg"),
        ("FOTO.JPEG", "jpeg"),
        ("bagan.png", "png"),
    ],
)
def test_real_files_are_accepted(en, files, name, maker):
    data = getattr(files, maker)()
    kind = uploads.extension_of(name)
    checked = check_content(name, kind, data)
    assert checked.kind == kind
    assert checked.upload_sha256 == hashlib.sha256(data).hexdigest()
    assert checked.sha256 == hashlib.sha256(checked.data).hexdigest()
    assert checked.content_type == uploads.CONTENT_TYPES[kind]


@pytest.mark.parametrize("maker,fmt", [("jpeg", "JPEG"), ("png", "PNG")])
def test_images_lose_their_metadata_including_gps(en, files, maker, fmt):
    original = getattr(files, maker)()
    before = Image.open(io.BytesIO(original))
    assert before.getexif().get_ifd(0x8825), "the test image must carry GPS data"
    checked = check_content(
        "foto." + ("jpg" if fmt == "JPEG" else "png"), "jpg" if fmt == "JPEG" else "png", original
    )
    after = Image.open(io.BytesIO(checked.data))
    assert after.format == fmt
    assert not after.getexif(), "no EXIF left (GPS, camera, time)"
    assert "exif" not in after.info and "comment" not in after.info
    assert "Comment" not in after.info
    assert b"PhoneMaker" not in checked.data and b"secret note" not in checked.data
    assert after.size == before.size
    assert checked.sha256 != checked.upload_sha256


@pytest.mark.parametrize(
    "name,maker",
    [
        ("laporan.pdf", "png"),  # a picture renamed .pdf
        ("laporan.pdf", "docx"),
        ("foto.jpg", "png"),
        ("foto.png", "pdf"),
        ("rekap.xlsx", "docx"),  # a Word file renamed .xlsx
        ("notulen.docx", "xlsx"),
        ("notulen.docx", "zip"),  # any zip is not a Word document
    ],
)
def test_disguised_files_are_refused(en, files, name, maker):
    with pytest.raises(UploadRefused) as exc:
        check_content(name, uploads.extension_of(name), getattr(files, maker)())
    assert "content does not match its extension" in exc.value.message
    assert name in exc.value.message


def test_text_pretending_to_be_pdf_is_refused(en):
    with pytest.raises(UploadRefused, match="not a real PDF"):
        check_content("laporan.pdf", "pdf", b"<html><script>alert(1)</script></html>")


@pytest.mark.parametrize(
    "case",
    ["pdf+zip", "png+zip", "jpeg+html", "jpeg+pdf", "pdf+html", "docx+appended", "prefix+docx"],
)
def test_polyglots_are_refused(en, files, case):
    if case == "pdf+zip":
        name, data = "laporan.pdf", files.pdf() + files.zip()
        # keep %%EOF at the end, as a crafted polyglot would
        data = files.pdf()[:-6] + files.zip() + b"\n%%EOF\n"
    elif case == "png+zip":
        name, data = "foto.png", files.png() + files.zip()
    elif case == "jpeg+html":
        name, data = "foto.jpg", files.jpeg() + b"<script>alert(document.cookie)</script>"
    elif case == "jpeg+pdf":
        name, data = "foto.jpg", files.jpeg() + files.pdf()
    elif case == "pdf+html":
        name, data = "laporan.pdf", b"%PDF-1.4\n<html><body><script>x()</script>" + files.pdf()
    elif case == "docx+appended":
        name, data = "notulen.docx", files.docx() + b"<html>trailer</html>"
    else:
        name, data = "notulen.docx", b"%PDF-1.4 junk" + files.docx()
    with pytest.raises(UploadRefused) as exc:
        check_content(name, uploads.extension_of(name), data)
    assert name in exc.value.message


def test_pdf_with_javascript_is_refused(en, files):
    data = files.pdf().replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    with pytest.raises(UploadRefused, match="scripts"):
        check_content("laporan.pdf", "pdf", data)


def test_office_file_with_macros_is_refused(en, files):
    with pytest.raises(UploadRefused, match="macros"):
        check_content("notulen.docx", "docx", files.docx(macro=True))


def test_zip_bomb_is_refused(en):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"A" * (30 * 1024 * 1024))
    with pytest.raises(UploadRefused, match="expands"):
        check_content("notulen.docx", "docx", out.getvalue())


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\laporan.pdf",
        "folder/laporan.pdf",
        "C:laporan.pdf",
        ".hidden.pdf",
        "laporan.pdf\x00.png",
        "laporan\u202efdp.exe",
        "laporan.pdf.",
    ],
)
def test_path_tricks_in_names_are_refused(en, files, upload, name):
    with pytest.raises(UploadRefused, match="is not allowed"):
        check_uploads([upload(name, files.pdf())], _settings())


@pytest.mark.parametrize(
    "name", ["laporan.exe", "laporan.html", "laporan.svg", "laporan", "laporan.pdf.php", "skrip.js"]
)
def test_other_types_are_refused(en, files, upload, name):
    with pytest.raises(UploadRefused, match="not accepted"):
        check_uploads([upload(name, files.pdf())], _settings())


def test_size_limits(en, files, upload):
    s = _settings(max_file_mb=0.01, max_total_mb=0.02)  # ~10 KB per file, ~20 KB together
    big = files.pdf("x" * 10) + b"%" + b"0" * 11000 + b"\n%%EOF\n"
    with pytest.raises(UploadRefused, match="limit per file"):
        check_uploads([upload("besar.pdf", big)], s)
    nine_kb = files.pdf()[:-6] + b"%" + b"0" * 8500 + b"\n%%EOF\n"
    with pytest.raises(UploadRefused, match="limit per deliverable"):
        check_uploads([upload(f"l{i}.pdf", nine_kb) for i in range(3)], s)
    assert len(check_uploads([upload(f"l{i}.pdf", nine_kb) for i in range(2)], s)) == 2


def test_file_count_limit_and_empty(en, files, upload):
    with pytest.raises(UploadRefused, match="At most 2 files"):
        check_uploads([upload(f"l{i}.pdf", files.pdf()) for i in range(3)], _settings(max_files=2))
    with pytest.raises(UploadRefused, match="is empty"):
        check_uploads([upload("kosong.pdf", b"")], _settings())
    # an unused file input sends a part without a name: ignored
    assert check_uploads([upload("", b"")], _settings()) == []


def test_store_uses_random_names_inside_upload_dir(app_ctx, files):
    import os

    checked = [check_content("laporan.pdf", "pdf", files.pdf())]
    [name] = uploads.store(checked)
    assert "laporan" not in name
    path = uploads.path_for(name)
    assert path.startswith(os.path.realpath(app_ctx.config["UPLOAD_DIR"]))
    with open(path, "rb") as fh:
        assert fh.read() == checked[0].data
    with pytest.raises(ValueError):
        uploads.path_for("../../etc/passwd")
    uploads.remove([name])
    assert not os.path.exists(path)
