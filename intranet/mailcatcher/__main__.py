"""Local SMTP mail catcher for development: accepts every message and keeps it in a Maildir,
where admins read it on the intranet's mail-catcher page. Started by ./run when MAIL_SERVER is
unset. Never used in production."""

import argparse
import mailbox
import os
import signal
import threading

from aiosmtpd.controller import Controller


class MaildirHandler:
    def __init__(self, directory):
        # Maildir(create=True) only makes tmp/new/cur when the directory itself is new.
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(directory, sub), exist_ok=True)
        self.box = mailbox.Maildir(directory, create=True)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        header = f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode()
        with self.lock:
            self.box.add(header + data)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    controller = Controller(MaildirHandler(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"mail catcher listening on {args.host}:{args.port}, storing in {args.dir}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
