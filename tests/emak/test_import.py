"""Importing pay lines from CSV and XLSX: every row is checked before anything is saved, and the
errors come back row by row."""

import io

import pytest

from intranet.audit.models import AuditEntry
from intranet.emak import lines, queries, runs
from intranet.emak.importer import FileRejected, read_rows
from intranet.emak.models import PayLine

from .conftest import make_csv, make_xlsx, post


def _import(run, data, filename="gaji.csv", replace=False, actor=None):
    return lines.import_lines(run.id, filename=filename, data=data, replace=replace, actor=actor)


def test_csv_with_indonesian_amounts_is_imported(app_ctx, finance, staff, make_run):
    run = make_run()
    a, b, _c = staff
    data = make_csv(
        [
            (a.nip, "Gaji Pokok", "4.575.200,00"),
            (a.nip, "tunjangan_keluarga", "457.520"),
            (a.nip, "IWP 10%", "503272"),
            (b.nip, "gaji_pokok", "Rp 3.026.400"),
            (b.nip, "BPJS Kesehatan", "30.264,00"),
        ]
    )
    result = _import(run, data, actor=finance)
    assert result.errors == []
    stored = {(line.employee_id, line.component): line.amount for line in PayLine.select()}
    assert stored == {
        (a.id, "gaji_pokok"): 4_575_200,
        (a.id, "tunjangan_keluarga"): 457_520,
        (a.id, "iwp"): 503_272,
        (b.id, "gaji_pokok"): 3_026_400,
        (b.id, "bpjs_kesehatan"): 30_264,
    }
    assert all(type(v) is int for v in stored.values())
    totals = queries.run_totals(run)
    assert (totals.earnings, totals.deductions, totals.employees) == (8_059_120, 533_536, 2)


def test_every_bad_row_is_reported_and_nothing_is_saved(
    app_ctx, finance, staff, make_user, make_run
):
    run = make_run()
    a, b, _c = staff
    gone = make_user(name="Pensiunan", active=False)
    rows = [
        (a.nip, "gaji_pokok", "4.575.200"),  # 2 ok
        ("199001012015051999", "gaji_pokok", "100"),  # 3 unknown NIP
        (gone.nip, "gaji_pokok", "100"),  # 4 inactive
        (b.nip, "gaji_pokok", "-3.026.400"),  # 5 negative
        (b.nip, "uang lembur", "100"),  # 6 unknown component
        (b.nip, "tunjangan_umum", "1,234,567"),  # 7 malformed amount
        (a.nip, "Gaji Pokok", "4.575.200"),  # 8 duplicate of row 2
        ("12345", "iwp", "1"),  # 9 NIP too short
        (b.nip, "iwp", "12,50"),  # 10 fraction of a rupiah
    ]
    result = _import(run, make_csv(rows), actor=finance)
    by_row = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(e.message)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "NIP tidak dikenal" in by_row[3][0]
    assert "tidak aktif" in by_row[4][0]
    assert "tidak boleh negatif" in by_row[5][0]
    assert "Komponen tidak dikenal" in by_row[6][0]
    assert "1.234.567" in by_row[7][0]
    assert "baris 2" in by_row[8][0]
    assert "18 digit" in by_row[9][0]
    assert "rupiah bulat" in by_row[10][0]
    assert PayLine.select().count() == 0
    assert not AuditEntry.select().where(AuditEntry.action == "payrun.lines_imported").exists()


def test_duplicates_against_existing_lines_unless_replacing(app_ctx, finance, staff, make_run):
    a = staff[0]
    run = make_run([(a, "gaji_pokok", 1_000_000)])
    data = make_csv([(a.nip, "gaji_pokok", "2.000.000")])
    result = _import(run, data, actor=finance)
    assert [e.row for e in result.errors] == [2]
    assert "sudah memuat komponen ini" in result.errors[0].message
    assert PayLine.get().amount == 1_000_000
    result = _import(run, data, replace=True, actor=finance)
    assert result.errors == []
    assert [(line.component, line.amount) for line in PayLine.select()] == [
        ("gaji_pokok", 2_000_000)
    ]


def test_negative_net_is_refused(app_ctx, finance, staff, make_run):
    a = staff[0]
    run = make_run()
    result = _import(
        run, make_csv([(a.nip, "gaji_pokok", "100"), (a.nip, "iwp", "200")]), actor=finance
    )
    assert len(result.errors) == 1 and "negatif" in result.errors[0].message
    assert PayLine.select().count() == 0


def test_xlsx_with_numbers_and_text(app_ctx, finance, staff, make_run):
    a, b, _c = staff
    run = make_run()
    data = make_xlsx(
        [
            (a.nip, "Gaji Pokok", 4575200),
            (a.nip, "Tunjangan Umum", 185000.0),
            (b.nip, "Tunjangan Kinerja", "5.079.200,00"),
            (None, None, None),  # blank rows are skipped
            (f"{b.nip[:8]} {b.nip[8:14]} {b.nip[14]} {b.nip[15:]}", "IWP", 100),  # spaced NIP
        ]
    )
    result = _import(run, data, filename="Gaji November.XLSX", actor=finance)
    assert result.errors == []
    assert PayLine.select().count() == 4


def test_xlsx_nip_stored_as_float_is_refused(app_ctx, finance, staff, make_run):
    run = make_run()
    data = make_xlsx([(float(staff[0].nip), "gaji_pokok", 100)], nip_as_text=False)
    result = _import(run, data, filename="gaji.xlsx", actor=finance)
    assert len(result.errors) == 1
    assert "kehilangan digit" in result.errors[0].message


def test_header_row_in_any_order_and_comma_csv(app_ctx, finance, staff, make_run):
    a = staff[0]
    run = make_run()
    data = make_csv(
        [("4.575.200,00", "gaji_pokok", a.nip)], delimiter=",", header=("Jumlah", "Komponen", "NIP")
    )
    assert _import(run, data, actor=finance).errors == []
    assert PayLine.get().amount == 4_575_200


def test_file_without_header_uses_nip_component_amount(app_ctx, finance, staff, make_run):
    run = make_run()
    data = make_csv([(staff[0].nip, "gaji_pokok", "1.000")], header=None)
    assert _import(run, data, actor=finance).errors == []


UNREADABLE = [
    ("gaji.pdf", b"%PDF-1.4", ".csv atau .xlsx"),
    ("gaji.xlsx", b"NIP;Komponen;Jumlah\n", "bukan buku kerja XLSX"),
    ("gaji.xlsx", b"PK\x03\x04garbage", "bukan buku kerja XLSX"),
    ("gaji.csv", b"PK\x03\x04garbage", "buku kerja"),
    ("gaji.csv", b"", "kosong"),
    ("gaji.csv", b"NIP;Komponen;Jumlah\n", "tidak memuat baris"),
    ("gaji.csv", b"NIP;Keterangan\n1;2\n", "Baris judul"),
    ("gaji.csv", b"\x00\x01\x02binary", "bukan berkas teks CSV"),
    ("../../etc/passwd.csv", b"x;y;z\n", None),
]


def test_unreadable_files_are_rejected(app_ctx):
    for filename, data, fragment in UNREADABLE:
        if fragment is None:  # a path in the name is only a name: the content decides
            assert len(read_rows(filename, data)) == 1
            continue
        with pytest.raises(FileRejected) as exc:
            read_rows(filename, data)
        assert fragment in str(exc.value), filename


def test_row_limit(app_ctx):
    data = make_csv([("1", "gaji_pokok", "1")] * 11)
    with pytest.raises(FileRejected) as exc:
        read_rows("x.csv", data, max_rows=10)
    assert "lebih dari 10 baris" in str(exc.value)


def test_import_of_final_run_is_refused(app_ctx, finance, staff, make_run):
    a = staff[0]
    run = make_run([(a, "gaji_pokok", 1_000_000)], finalise=True)
    with pytest.raises(runs.RunLocked):
        _import(run, make_csv([(staff[1].nip, "gaji_pokok", "1")]), replace=True, actor=finance)
    assert [(x.employee_id, x.amount) for x in PayLine.select()] == [(a.id, 1_000_000)]


def test_import_route_shows_all_errors_then_imports_fixed_file(finance_client, staff, make_run):
    client = finance_client
    run = make_run()
    a, b, _c = staff
    bad = make_xlsx(
        [
            (a.nip, "gaji_pokok", "4.575.200"),
            (b.nip, "gaji_pokok", "-1"),
            ("199001012015051999", "iwp", "10"),
        ]
    )
    response = post(
        client,
        f"/pay/runs/{run.id}/import",
        {"file": (io.BytesIO(bad), "gaji.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-row="3"' in html and 'data-row="4"' in html and 'data-row="2"' not in html
    assert PayLine.select().count() == 0
    good = make_xlsx([(a.nip, "gaji_pokok", "4.575.200"), (b.nip, "gaji_pokok", "1")])
    response = post(
        client,
        f"/pay/runs/{run.id}/import",
        {"file": (io.BytesIO(good), "gaji.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert PayLine.select().count() == 2
    entry = AuditEntry.get(AuditEntry.action == "payrun.lines_imported")
    assert "4575200" not in entry.detail and "4.575.200" not in entry.detail
