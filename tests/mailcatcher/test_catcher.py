"""The local mail catcher: a real SMTP session stores the message; admins read it."""

import re
import smtplib
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from intranet.mailcatcher.__main__ import MaildirHandler
from tests.conftest import free_port


def test_caught_message_is_readable_by_admins(app, client, make_user, login_as, tmp_path):
    directory = tmp_path / "mailcatcher"
    directory.mkdir()  # an existing, empty directory (as ./run leaves it) must work too
    app.config["MAILCATCHER_DIR"] = str(directory)
    port = free_port()
    controller = Controller(MaildirHandler(str(directory)), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        msg = EmailMessage()
        msg["From"] = "noreply@kanim-jakpus.example"
        msg["To"] = "pegawai@kanim-jakpus.example"
        msg["Subject"] = "Slip gaji November 2026"
        msg.set_content("Gaji bersih: Rp 4.575.200")
        msg.add_alternative(
            "<p>Gaji bersih: <b>Rp 4.575.200</b></p><script>x()</script>", subtype="html"
        )
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(msg)
    finally:
        controller.stop()
    login_as(make_user("admin"))
    listing = client.get("/admin/mail/").get_data(as_text=True)
    assert "Slip gaji November 2026" in listing and "pegawai@kanim-jakpus.example" in listing
    key = re.search(r'href="/admin/mail/([^"/]+)"', listing).group(1)
    detail = client.get(f"/admin/mail/{key}").get_data(as_text=True)
    assert "Rp 4.575.200" in detail
    html = client.get(f"/admin/mail/{key}/html")
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert client.get("/admin/mail/not-a-key").status_code == 404


def test_only_admins_read_caught_mail(client, make_user, login_as):
    login_as(make_user("keuangan"))
    assert client.get("/admin/mail/").status_code == 403
