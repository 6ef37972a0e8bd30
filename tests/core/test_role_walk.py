"""The role walk: every navigation link of every role, in both languages, shows words, not codes.

The office's demo data is loaded (the same as ./run), the periodic jobs have run once and their
e-mails have gone out, so the scheduler, the outbox and the audit log have rows to show. Each demo
account signs in; every link of its navigation bar and of the section tabs of the pages it reaches
(``a.nav-link``) is opened in Indonesian and in English, and the text a person sees or hears
(text, placeholders, labels for screen readers, button values) is checked:

- no raw code: no role code (``izin_tinggal``), no snake_case or dotted key (``counters_closed``,
  ``owl.permit_warning``), no JSON;
- in the Indonesian pages no tell-tale English word, in the English pages no tell-tale Indonesian
  word, other than data (any text stored in the database, such as names, addresses and notes).
"""

import re
from html.parser import HTMLParser

import pytest

from intranet.people.models import ROLES

# Words that give English away in an Indonesian page (whole words, case-sensitive), and
# Indonesian in an English one. Words both languages use ("Status", "Filter", "Total", "Unit",
# "Detail", "Data", "Admin", "Email", "OK") are not listed.
ENGLISH_WORDS = (
    "the and of with for from to by is are was were not yes all none any "
    "this that these those your you our their has have will can cannot "
    "Save Search Delete Cancel Back Next Previous Show Open Close Closed Sign Submit Edit Add "
    "New Yes All None Date Name Time Today Yesterday Week Month Year Days days "
    "older deleted queued sent failed dead every seconds daily run runs job jobs "
    "enqueued running lost reset closed opened escalated digest counters tickets called "
    "visitors checked out Flags Mail catcher Permit officer Supervisor Employee Finance "
    "Front desk Head office Intelligence enforcement Counter Receptionist "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March "
    "May June July August October December"
).split()
INDONESIAN_WORDS = (
    "dan yang untuk dengan dari tidak belum sudah oleh pada atau adalah akan "
    "Simpan Cari Hapus Keluar Masuk Batal Kembali Ubah Tambah Tampilkan Buka Tutup Kirim "
    "Tanggal Nama Waktu Hari hari Bulan bulan Tahun tahun Semua Belum Sudah Baru baru "
    "Pegawai Atasan Petugas petugas Keuangan Resepsionis Kepala Penangkap surel surat "
    "Senin Selasa Rabu Kamis Jumat Sabtu Minggu Januari Februari Maret Mei Juni Juli Agustus "
    "Oktober Desember dihapus dikirim gagal antre"
).split()

# Text every page may show in either language: the office's and the features' own names.
PROPER_NAMES = (
    "Kanim Jakarta Pusat",
    "Kantor Imigrasi",
    "Si Cempaka",
    "Si Anggrek",
    "Si Emak",
    "Si Jali",
    "Si Owl",
    "Bahasa Indonesia",
    "English",
)

SNAKE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
DOTTED = re.compile(r"(?<![\w@./-])[a-z]{2,}(?:\.[a-z][a-z_]+)+(?![\w@/(-])")
JSON_LIKE = re.compile(r"\{\s*\"[^\"]+\"\s*:")
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|\b[\w-]+\.(?:pdf|jpe?g|png|docx?|xlsx?|csv|zip)\b")


class _Text(HTMLParser):
    """The text a person sees or hears, one string per text node or attribute, and the links
    of the navigation (``a.nav-link``, the menus' ``a.dropdown-item``)."""

    SKIP = {"script", "style", "template", "noscript"}
    SHOWN_ATTRS = ("placeholder", "title", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.nav_links = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
            return
        a = dict(attrs)
        for name in self.SHOWN_ATTRS:
            if a.get(name):
                self.parts.append(a[name])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])
        classes = set((a.get("class") or "").split())
        if tag == "a" and classes & {"nav-link", "dropdown-item"} and a.get("href"):
            self.nav_links.append(a["href"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def page_text(html):
    parser = _Text()
    parser.feed(html)
    return parser.parts, parser.nav_links


def _words_pattern(words):
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, set(words)))) + r")(?![\w-])")


ENGLISH = _words_pattern(ENGLISH_WORDS)
INDONESIAN = _words_pattern(INDONESIAN_WORDS)


# Columns the system writes (codes, outcomes, statuses): not data people typed or received.
SYSTEM_COLUMNS = {
    "scheduled_run": None,  # every column
    "outbox_message": {"kind", "template", "status", "key", "last_error", "error_log"},
    "audit_entry": {"action", "object_type", "detail"},
    "user_role": None,
}


def stored_texts():
    """Every text value in the database that people wrote or were given (names, addresses,
    notes, the subjects of e-mails in their recipient's language): data, in either language."""
    from peewee import CharField, TextField

    from intranet.models import all_models

    found = set()
    for model in all_models():
        table = model._meta.table_name
        if table in SYSTEM_COLUMNS and SYSTEM_COLUMNS[table] is None:
            continue
        skipped = SYSTEM_COLUMNS.get(table) or set()
        fields = [
            f
            for f in model._meta.sorted_fields
            if isinstance(f, CharField | TextField)
            and not f.name.endswith("hash")
            and f.column_name not in skipped
        ]
        for field in fields:
            for (value,) in model.select(field).distinct().tuples():
                if value and len(value) < 2000:
                    found.add(" ".join(value.split()))
    return sorted(found, key=len, reverse=True)


def code_problems(parts, role_codes=ROLES):
    problems = []
    for part in parts:
        text = EMAIL_OR_URL.sub(" ", part)
        if part.strip() in role_codes:
            problems.append(f"role code {part.strip()!r}")
        for pattern, what in ((SNAKE, "code"), (DOTTED, "key"), (JSON_LIKE, "JSON")):
            m = pattern.search(text)
            if m:
                problems.append(f"{what} {m.group(0)!r} in {part[:120]!r}")
    return problems


# Indonesian words that mean something else here (issue 15): sign-out is "Keluar"; a visitor's
# check-out is "Catat keluar" and its time "Waktu keluar"; e-mail is "surel", not "surat"; Si
# Anggrek's reports about officers are "Laporan petugas", "Tanda" being Si Cempaka's flags.
WRONG_INDONESIAN = re.compile(r"Penangkap surat|server surat")
KELUAR = re.compile(r"(?<![\w-])Keluar(?![\w-])")


def wording_problems(url, parts):
    problems = [f"{p[:120]!r}" for p in parts if WRONG_INDONESIAN.search(p)]
    sign_outs = [p for p in parts if KELUAR.search(p)]
    if len(sign_outs) > 1:  # the navigation bar's sign-out button is one
        problems.append(f"'Keluar' beside sign-out: {sign_outs[:4]!r}")
    if url.startswith("/anggrek"):
        problems += [f"'Tanda' in Si Anggrek: {p[:120]!r}" for p in parts if "Tanda" in p]
    return problems


def language_problems(parts, pattern, data):
    problems = []
    for part in parts:
        if not pattern.search(part):
            continue
        text = part
        for value in data:
            if value in text:
                text = text.replace(value, " ")
                if not pattern.search(text):
                    break
        for name in PROPER_NAMES:
            text = text.replace(name, " ")
        m = pattern.search(text)
        if m:
            problems.append(f"{m.group(0)!r} in {part[:160]!r}")
    return problems


@pytest.fixture
def office(app_ctx, run_jobs, monkeypatch):
    """The demo office after one round of every periodic job (and its e-mails)."""
    from intranet.anggrek import demo as anggrek_demo
    from intranet.demo import ROLE_ACCOUNTS, load_demo
    from intranet.jobs import scheduler
    from intranet.models import utcnow
    from intranet.people.models import User
    from intranet.scheduling import load_job_modules

    monkeypatch.setattr(anggrek_demo, "HISTORY_DAYS", 3)
    assert load_demo(staff=30)
    jobs = load_job_modules()
    scheduler.tick(now=utcnow(), jobs=jobs)
    run_jobs()
    run_jobs()  # the e-mails the jobs queued
    accounts = {}
    for key, _roles, _unit, _position in ROLE_ACCOUNTS:
        accounts[key] = User.get(User.email == f"{key}@kanim-jakpus.example")
    return accounts


def walk(app, login_as, user, language):
    """{url: (status, visible text parts)} of every navigation link this user reaches."""
    c = app.test_client()
    login_as(user, c)
    c.set_cookie("lang", language)
    from intranet.people.models import User

    User.update(language=language).where(User.id == user.id).execute()
    seen = {}
    todo = ["/home"]
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        response = c.get(url, headers={"Accept": "text/html"})
        html = response.get_data(as_text=True)
        parts, links = page_text(html) if response.status_code == 200 else ([], [])
        seen[url] = (response.status_code, parts)
        for href in links:
            href = href.split("#")[0]
            if href.startswith("/") and href not in seen and href not in todo:
                todo.append(href)
    return seen


@pytest.mark.parametrize("language", ["id", "en"])
def test_role_walk_shows_words_not_codes(app, office, login_as, language):
    data = stored_texts()
    pattern = ENGLISH if language == "id" else INDONESIAN
    data = [v for v in data if pattern.search(v)]
    problems = []
    visited = set()
    for key, user in office.items():
        for url, (status, parts) in walk(app, login_as, user, language).items():
            visited.add(url)
            where = f"{key} {language} {url}"
            if status != 200:
                problems.append(f"{where}: status {status}")
                continue
            found = code_problems(parts) + language_problems(parts, pattern, data)
            if language == "id":
                found += wording_problems(url, parts)
            for problem in found:
                problems.append(f"{where}: {problem}")
    # the walk reached the pages this issue is about
    for path in ("/admin/scheduler/", "/admin/outbox/", "/admin/audit/", "/home"):
        assert any(u.startswith(path) for u in visited), path
    unique = sorted(set(problems))
    assert unique == [], f"{len(unique)} problems:\n" + "\n".join(unique[:300])


def test_the_walk_catches_codes_and_the_other_language():
    parts, _links = page_text(
        '<p>Peran: <span class="badge">izin_tinggal</span></p><td>counters_closed: 1</td>'
        "<code>owl.permit_warning</code><input placeholder='nama@example.com'>"
        '<p>{"staff": 30}</p>'
    )
    found = code_problems(parts)
    assert any("izin_tinggal" in p for p in found)
    assert any("counters_closed" in p for p in found)
    assert any("owl.permit_warning" in p for p in found)
    assert any("JSON" in p for p in found)
    assert not any("example.com" in p for p in found)
    english = ["0 run(s) older than 30 days deleted", "Simpan"]
    assert language_problems(english, ENGLISH, []) == [
        "'run' in '0 run(s) older than 30 days deleted'"
    ]
    assert wording_problems("/admin/outbox/", ["Penangkap surat"]) != []
    assert wording_problems("/jali/", ["Keluar", "Keluar (WIB)"]) != []
    assert wording_problems("/jali/", ["Keluar", "Catat keluar", "Waktu keluar"]) == []
    assert wording_problems("/anggrek/flags", ["Tanda"]) != []
    # data is data: a name stored in the database is not a word of the interface
    assert language_problems(["Tamu: Yang Mulia"], INDONESIAN, ["Yang Mulia"]) == []
