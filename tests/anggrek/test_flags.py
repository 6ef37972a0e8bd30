"""Flag cases: raised by a supervisor with evidence, decided by the head of office, seen only by
the head, admins and the reporter, never by the flagged officer; every read and change audited;
the head of office e-mailed through the outbox."""

import io
import json
import os
import re

import pytest
from PIL import Image

from intranet.anggrek import flags, services
from intranet.anggrek.models import Flag, FlagAttachment, FlagEvent, FlagNote, ServiceEvent
from intranet.anggrek.services import StepRefused
from intranet.audit.models import AuditEntry

from .conftest import at

REPORTER_NAME = "Zulkarnain Rahasia Pelapor"


@pytest.fixture
def scene(make_user, make_counter, make_officer, lantas, clock):
    counter = make_counter()
    officer = make_officer(name="Dewi Petugas Loket")
    reporter = make_user("atasan", name=REPORTER_NAME, email="pelapor@test.local", unit=lantas)
    head = make_user("kepala", name="Kepala Kantor", email="kakanim@test.local")
    admin = make_user("admin", name="Admin TIK")
    t = services.issue_ticket("paspor_baru", at=at(0))
    services.open_counter(counter, officer, at=at(1))
    services.call_next(counter, officer, at=at(2))
    services.start_interview(counter, officer, t.id, at=at(3))
    services.finish_ticket(counter, officer, t.id, "served", at=at(30))
    clock.set(at(40))
    events = list(ServiceEvent.select().order_by(ServiceEvent.id))
    return dict(
        counter=counter,
        officer=officer,
        reporter=reporter,
        head=head,
        admin=admin,
        events=events,
        ticket=t,
    )


def jpeg_with_exif():
    img = Image.new("RGB", (32, 32), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x8298] = "Pemilik Foto"  # Copyright
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def raise_flag(client, scene, upload=None, **fields):
    data = {
        "officer": str(scene["officer"].id),
        "category": "pungli",
        "description": "Meminta uang tambahan Rp50.000 agar paspor cepat selesai.",
        "day": "2026-11-27",
        "events": [str(scene["events"][1].id), str(scene["events"][3].id)],
    }
    data.update(fields)
    if upload is not None:
        data["attachment"] = upload
    return client.post_form(
        "/anggrek/flags/new", data, token_from="/home", content_type="multipart/form-data"
    )


def test_raising_a_flag_links_events_stores_evidence_and_mails_the_head(
    scene, client, login_as, run_jobs, mail_sink
):
    login_as(scene["reporter"])
    r = raise_flag(client, scene, upload=(io.BytesIO(jpeg_with_exif()), "bukti foto.JPG"))
    assert r.status_code == 303, r.get_data(as_text=True)
    flag = Flag.get()
    assert r.headers["Location"].endswith(f"/anggrek/flags/{flag.id}")
    assert (flag.officer_id, flag.reporter_id, flag.category, flag.status) == (
        scene["officer"].id,
        scene["reporter"].id,
        "pungli",
        "open",
    )
    linked = sorted(fe.event_id for fe in FlagEvent.select())
    assert linked == sorted([scene["events"][1].id, scene["events"][3].id])

    # the photo is stored outside static/, under a random name, without its metadata
    attachment = FlagAttachment.get()
    path = os.path.join(client.app.config["UPLOAD_DIR"], attachment.stored_name)
    assert os.path.exists(path) and "static" not in path
    assert attachment.original_name == "bukti_foto.JPG"
    stored = open(path, "rb").read()
    assert b"KameraRahasia" not in stored and b"Pemilik Foto" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()

    # the head of office is e-mailed through the outbox; the reporter is not named
    run_jobs()
    messages = mail_sink.wait_for(1)
    to_head = mail_sink.to("kakanim@test.local")
    assert len(messages) == 1 and len(to_head) == 1
    text, html = mail_sink.text_of(to_head[0]), mail_sink.html_of(to_head[0])
    assert "Dewi Petugas Loket" in text and f"/anggrek/flags/{flag.id}" in text
    assert "pungli" in to_head[0]["Subject"].lower()
    for body in (text, html, str(to_head[0]["Subject"])):
        assert REPORTER_NAME not in body
    # raising the same flag creates another case, the first e-mail is not repeated
    run_jobs()
    assert len(mail_sink.wait_for(2, timeout=1)) == 1


def test_case_workflow_decided_by_the_head_with_audit(scene, client, login_as):
    login_as(scene["reporter"])
    assert raise_flag(client, scene).status_code == 303
    flag = Flag.get()
    url = f"/anggrek/flags/{flag.id}"

    # the reporter cannot decide
    assert (
        client.post_form(
            f"{url}/status", {"to_status": "investigating"}, token_from="/home"
        ).status_code
        == 403
    )
    login_as(scene["head"])
    page = client.get(url).get_data(as_text=True)
    assert REPORTER_NAME in page  # the head sees who reported
    # open -> resolved directly is refused
    r = client.post_form(
        f"{url}/status",
        {"to_status": "resolved", "resolution": "substantiated", "note": "Terbukti."},
        token_from="/home",
    )
    assert r.status_code == 409 and "tidak dapat dipindahkan" in r.get_data(as_text=True)
    r = client.post_form(
        f"{url}/status", {"to_status": "investigating", "note": "Cek CCTV."}, token_from="/home"
    )
    assert r.status_code == 303
    # resolving needs a finding and a note
    r = client.post_form(f"{url}/status", {"to_status": "resolved"}, token_from="/home")
    assert r.status_code == 422 and "Nyatakan apakah laporan terbukti" in r.get_data(as_text=True)
    r = client.post_form(
        f"{url}/status",
        {"to_status": "resolved", "resolution": "substantiated"},
        token_from="/home",
    )
    assert r.status_code == 422 and "Tuliskan temuan" in r.get_data(as_text=True)
    r = client.post_form(
        f"{url}/status",
        {
            "to_status": "resolved",
            "resolution": "substantiated",
            "note": "Rekaman CCTV menguatkan laporan.",
        },
        token_from="/home",
    )
    assert r.status_code == 303
    flag = Flag.get_by_id(flag.id)
    assert (flag.status, flag.resolution, flag.decided_by_id) == (
        "resolved",
        "substantiated",
        scene["head"].id,
    )
    assert [(n.from_status, n.to_status) for n in FlagNote.select().order_by(FlagNote.id)] == [
        ("open", "investigating"),
        ("investigating", "resolved"),
    ]
    # no notes on a resolved case
    r = client.post_form(f"{url}/notes", {"body": "Tambahan"}, token_from="/home")
    assert r.status_code == 409

    actions = [
        a.action
        for a in AuditEntry.select().where(AuditEntry.object_type == "Flag").order_by(AuditEntry.id)
    ]
    assert actions.count("anggrek.flag.created") == 1
    assert actions.count("anggrek.flag.status_changed") == 2
    assert actions.count("anggrek.flag.viewed") >= 2  # each read of the case
    for entry in AuditEntry.select().where(AuditEntry.object_type == "Flag"):
        assert "Rp50.000" not in entry.detail


def test_reading_the_list_and_downloading_evidence_are_audited(scene, client, login_as):
    login_as(scene["reporter"])
    raise_flag(
        client, scene, upload=(io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"), "laporan.pdf")
    )
    flag, attachment = Flag.get(), FlagAttachment.get()
    login_as(scene["admin"])
    before = AuditEntry.select().count()
    assert client.get("/anggrek/flags").status_code == 200
    r = client.get(f"/anggrek/flags/{flag.id}/attachments/{attachment.id}")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    new = [a.action for a in AuditEntry.select().where(AuditEntry.id > before)]
    assert new == ["anggrek.flag.listed", "anggrek.flag.attachment_downloaded"]
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert entry.actor_id == scene["admin"].id and json.loads(entry.detail)["status"] == "open"


def _crawl(client, app, flag):
    """Every GET page the signed-in user may open, with real ids in the URLs."""
    from intranet.policy import admits, policy_for

    user_id = flag.officer_id
    from intranet.people.models import User

    user = User.get_by_id(user_id)
    ids = {
        "flag_id": flag.id,
        "officer_id": user_id,
        "counter_id": 1,
        "attachment_id": 1,
        "user_id": user_id,
        "token": "x",
        "fmt": "csv",
        "filename": "x",
    }
    seen = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not admits(policy_for(rule.endpoint, app), user):
            continue
        try:
            url = rule.build({a: ids.get(a, 1) for a in rule.arguments}, append_unknown=False)[1]
        except Exception:  # noqa: S112 - a rule whose arguments we cannot fill
            continue
        r = client.get(url)
        seen[url] = (r.status_code, r.get_data().decode("utf-8", "replace"))  # XLSX too
    return seen


@pytest.mark.parametrize("also_supervisor", [False, True])
def test_the_flagged_officer_never_sees_the_case_or_the_reporter(
    scene, client, login_as, app, make_user, also_supervisor
):
    login_as(scene["reporter"])
    raise_flag(client, scene, upload=(io.BytesIO(jpeg_with_exif()), "bukti.jpg"))
    flag = Flag.get()
    officer = scene["officer"]
    if also_supervisor:  # an officer who also holds the supervisor role
        from intranet.people.models import UserRole

        UserRole.create(user=officer, role="atasan")
    login_as(officer)
    for path in (f"/anggrek/flags/{flag.id}", f"/anggrek/flags/{flag.id}/attachments/1"):
        assert client.get(path).status_code in (403, 404)
    assert client.post_form(
        f"/anggrek/flags/{flag.id}/notes", {"body": "siapa?"}, token_from="/home"
    ).status_code in (403, 404)
    pages = _crawl(client, app, flag)
    assert "/anggrek/console" in pages and "/home" in pages
    assert any(url.startswith("/anggrek/metrics/officer/") for url in pages)
    reporter = scene["reporter"]
    for url, (status, body) in pages.items():
        assert status < 500, url
        for secret in (REPORTER_NAME, reporter.nip, reporter.email, reporter.display_nip):
            assert secret not in body, f"{secret} leaked on {url}"
    if also_supervisor:
        listing = client.get("/anggrek/flags").get_data(as_text=True)
        assert f"/anggrek/flags/{flag.id}" not in listing


def test_only_the_head_admins_and_the_reporter_see_a_case(scene, client, login_as, make_user):
    login_as(scene["reporter"])
    raise_flag(client, scene)
    flag = Flag.get()
    url = f"/anggrek/flags/{flag.id}"
    for user, status in [
        (scene["reporter"], 200),
        (scene["head"], 200),
        (scene["admin"], 200),
        (make_user("atasan"), 404),  # another supervisor
        (make_user("pegawai"), 403),
        (make_user("loket"), 403),
    ]:
        login_as(user)
        assert client.get(url).status_code == status, user.role_names
    login_as(make_user("atasan"))
    assert url not in client.get("/anggrek/flags").get_data(as_text=True)


def test_flag_validation(scene, client, login_as, make_user, app):
    login_as(scene["reporter"])
    other = make_user("loket")
    foreign_event = ServiceEvent.create(
        at=at(5), kind="open", counter=scene["counter"].id, officer=other.id
    )
    cases = [
        ({"category": ""}, "Pilih kategori"),
        ({"description": "pendek"}, "antara 10 dan 4000"),
        ({"officer": "0"}, "Pilih petugas"),
        ({"officer": str(scene["reporter"].id)}, "Pilih petugas"),
        ({"events": [str(foreign_event.id)]}, "hanya peristiwa layanan milik petugas"),
    ]
    for fields, message in cases:
        r = raise_flag(client, scene, **fields)
        assert r.status_code == 422, fields
        assert message in r.get_data(as_text=True), fields
    assert Flag.select().count() == 0


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"MZ\x90\x00 program", "tool.exe", "tidak dapat dilampirkan"),
        (b"just text, not a PDF at all", "bukti.pdf", "tidak sesuai dengan ekstensinya"),
        (jpeg_with_exif(), "bukti.png", "tidak sesuai dengan ekstensinya"),
        (
            b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF\n",
            "a.pdf",
            "berisi skrip",
        ),
        (b"", "kosong.pdf", "Berkas kosong"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_saved(
    scene, client, login_as, app, content, name, message
):
    login_as(scene["reporter"])
    r = raise_flag(client, scene, upload=(io.BytesIO(content), name))
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert Flag.select().count() == 0 and FlagAttachment.select().count() == 0
    upload_dir = os.path.join(app.config["UPLOAD_DIR"], "anggrek", "flags")
    assert not os.path.isdir(upload_dir) or os.listdir(upload_dir) == []


def test_too_big_and_polyglot_uploads(scene, client, login_as, app):
    login_as(scene["reporter"])
    app.config["ANGGREK_FLAG_MAX_BYTES"] = 1000
    r = raise_flag(client, scene, upload=(io.BytesIO(b"%PDF-1.4\n" + b"0" * 2000), "big.pdf"))
    assert r.status_code == 422 and "lebih besar dari" in r.get_data(as_text=True)
    app.config["ANGGREK_FLAG_MAX_BYTES"] = 10 * 1024 * 1024
    # a PNG with a script appended, and a path trick in the name: stored re-encoded, renamed
    img = io.BytesIO()
    Image.new("RGB", (8, 8)).save(img, "PNG")
    polyglot = img.getvalue() + b"<script>alert(document.cookie)</script>"
    r = raise_flag(client, scene, upload=(io.BytesIO(polyglot), "../../static/x.png"))
    assert r.status_code == 303
    attachment = FlagAttachment.get()
    assert attachment.original_name == "x.png"
    assert re.fullmatch(r"anggrek/flags/[0-9a-f]{32}\.png", attachment.stored_name)
    stored = open(os.path.join(app.config["UPLOAD_DIR"], attachment.stored_name), "rb").read()
    assert b"<script>" not in stored


def test_services_refuse_illegal_case_steps(scene, app_ctx):
    flag = flags.create_flag(
        reporter=scene["reporter"],
        officer=scene["officer"],
        category="rude",
        description="Membentak pemohon lansia.",
    )
    with pytest.raises(StepRefused) as exc:
        flags.change_status(flag, scene["reporter"], "investigating")
    assert exc.value.code == "forbidden"
    with pytest.raises(StepRefused) as exc:
        flags.create_flag(
            reporter=scene["officer"],
            officer=scene["officer"],
            category="rude",
            description="Membentak pemohon lansia.",
        )
    assert exc.value.code == "self"
    moved = flags.change_status(flag, scene["head"], "investigating")
    # a second head acting on the same stale copy loses
    with pytest.raises(StepRefused) as exc:
        flags.change_status(flag, scene["head"], "investigating")
    assert exc.value.code in ("stale", "transition")
    assert moved.status == "investigating"


def test_event_picker_lists_only_counter_officers_events(scene, client, login_as, make_user):
    login_as(scene["reporter"])
    officer = scene["officer"]
    page = client.get(f"/anggrek/flags/new?officer={officer.id}&day=2026-11-27")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert all(f'value="{e.id}"' in html for e in scene["events"])
    r = client.get(f"/anggrek/flags/events?officer={officer.id}&day=2026-11-26")
    assert "Tidak ada peristiwa layanan" in r.get_data(as_text=True)
    r = client.get(
        f"/anggrek/flags/events?officer={officer.id}&day=2026-11-26&events={scene['events'][0].id}"
    )
    assert f'value="{scene["events"][0].id}" id="ev-{scene["events"][0].id}" checked' in r.get_data(
        as_text=True
    )
    # not a counter officer: nothing is listed
    r = client.get(f"/anggrek/flags/events?officer={scene['head'].id}&day=2026-11-27")
    assert "Pilih petugas untuk melihat" in r.get_data(as_text=True)
    # the officer's metrics page offers the flag form with the officer chosen
    scene["officer"].supervisor = scene["reporter"]
    scene["officer"].save()
    html = client.get(f"/anggrek/metrics/officer/{officer.id}?date=2026-11-27").get_data(
        as_text=True
    )
    assert f"/anggrek/flags/new?officer={officer.id}" in html
