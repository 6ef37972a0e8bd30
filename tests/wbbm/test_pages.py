"""The dashboard, the evidence report (page and XLSX) and the targets page, as their readers
see them."""

import datetime as dt
import io
import re

import pytest

from .conftest import EXPECTED

MONTH_ARGS = {"period": "month", "date": "2026-11-14"}


def _cell_values(html, prefix):
    """{figure key: data-value} of the rows id="<prefix>-<key with dashes>"."""
    out = {}
    for key, value in re.findall(
        rf'<tr id="{prefix}-([\w-]+)">.*?data-value="([^"]*)"', html, flags=re.S
    ):
        out[key] = float(value) if value else None
    return out


def _dash(key):
    return key.replace(".", "-")


@pytest.fixture
def kepala(make_user):
    return make_user("kepala", name="Kepala Kantor")


def test_the_dashboard_shows_the_hand_computed_month(app, client, login_as, rolled_up, kepala):
    login_as(kepala)
    response = client.get("/wbbm/", query_string=MONTH_ARGS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = _cell_values(html, "fig")
    assert {k: shown[_dash(k)] for k in EXPECTED} == pytest.approx(EXPECTED)
    assert "87,50" in html  # the IKM, written the Indonesian way
    assert "<svg" in html and 'role="img"' in html  # trend charts, server-rendered
    # the status reads without colour: a word and a sign
    assert re.search(r'wbbm-status-off"><span class="wbbm-icon" aria-hidden="true">✗</span> ', html)
    assert 'id="wbbm-freshness"' in html and "2026" in html
    # a link to the page that explains a figure
    assert 'href="/anggrek/metrics"' in html


def test_a_supervisor_sees_only_their_unit(client, login_as, rolled_up):
    kasi = rolled_up["kasi"]  # Seksi Lalu Lintas
    login_as(kasi)
    html = client.get("/wbbm/", query_string=MONTH_ARGS).get_data(as_text=True)
    shown = _cell_values(html, "fig")
    assert shown["anggrek-served"] == 2
    assert shown["cempaka-submitted"] == 0  # the deliverables are another unit's
    assert "owl-expiring" not in shown  # office-wide figures are not a unit's
    other = rolled_up["units"]["tik"].id
    assert client.get("/wbbm/", query_string={**MONTH_ARGS, "unit": other}).status_code == 403
    assert (
        client.get("/wbbm/evidence.xlsx", query_string={**MONTH_ARGS, "unit": other}).status_code
        == 403
    )


def test_a_supervisor_without_a_unit_is_told_why(client, login_as, make_user, rolled_up):
    login_as(make_user("atasan", name="Tanpa Unit"))
    response = client.get("/wbbm/")
    assert response.status_code == 200
    assert "tidak termasuk unit mana pun" in response.get_data(as_text=True)
    assert "fig-" not in response.get_data(as_text=True)


def test_the_head_filters_by_unit(client, login_as, rolled_up, kepala):
    login_as(kepala)
    tik = rolled_up["units"]["tik"].id
    html = client.get("/wbbm/", query_string={**MONTH_ARGS, "unit": tik}).get_data(as_text=True)
    shown = _cell_values(html, "fig")
    assert shown["cempaka-submitted"] == 4 and shown["anggrek-served"] == 0


@pytest.mark.parametrize(
    "args, message",
    [
        ({"period": "fortnight"}, "periode"),
        ({"date": "2026-02-30"}, "tanggal"),
        ({"date": "2999-12-31"}, "belum tiba"),
        ({"date": "9999-12-31"}, "tanggal"),
        ({"unit": "abc"}, "unit"),
        ({"unit": "99999"}, "tidak ada"),
        ({"unit": "99999999999999999999"}, "unit"),
    ],
)
def test_bad_arguments_get_a_message_not_an_error(client, login_as, rolled_up, kepala, args,
                                                  message):  # fmt: skip
    login_as(kepala)
    for path in ("/wbbm/", "/wbbm/evidence"):
        response = client.get(path, query_string=args)
        assert response.status_code == 200, (path, args)
        html = response.get_data(as_text=True)
        notes = re.findall(r"alert-warning[^>]*>([^<]+)<", html)
        assert notes and message in " ".join(notes).lower(), (path, args, notes)
    assert client.get("/wbbm/evidence.xlsx", query_string=args).status_code == 200


def test_every_period_kind_renders(client, login_as, rolled_up, kepala):
    login_as(kepala)
    for kind in ("day", "week", "month", "quarter", "year"):
        response = client.get("/wbbm/", query_string={"period": kind, "date": "2026-11-02"})
        assert response.status_code == 200, kind
    html = client.get("/wbbm/", query_string={"period": "year", "date": "2026-11-02"}).get_data(
        as_text=True
    )
    assert _cell_values(html, "fig")["anggrek-served"] == 2


def test_the_xlsx_holds_the_numbers_of_the_page(client, login_as, rolled_up, kepala):
    from openpyxl import load_workbook

    login_as(kepala)
    page = client.get("/wbbm/evidence", query_string=MONTH_ARGS).get_data(as_text=True)
    on_page = _cell_values(page, "ev")
    assert {k: on_page[_dash(k)] for k in EXPECTED} == pytest.approx(EXPECTED)
    first = client.get("/wbbm/evidence.xlsx", query_string=MONTH_ARGS)
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(first.data))
    assert len(book.sheetnames) == 5  # one sheet per area, and the IKM by unit and officer
    ikm_rows = list(book.worksheets[-1].iter_rows(min_row=5, values_only=True))
    assert [(r[0], r[2], r[3], r[4]) for r in ikm_rows] == [
        ("Seksi Lalu Lintas Keimigrasian", 2, 87.5, "B"),
        ("Petugas Loket", 2, 87.5, "B"),
    ]
    assert ikm_rows[0][5:] == (3.5,) * 9

    def numbers(workbook):
        from intranet.wbbm.definitions import FIGURES

        labels = {str(f.label): f.key for f in FIGURES}
        out = {}
        for sheet in workbook.worksheets[:4]:
            for row in sheet.iter_rows(min_row=5, values_only=True):
                if row[0] in labels:
                    assert row[1] is None or isinstance(row[1], int | float), row
                    assert row[9] == dt.datetime(2026, 11, 1) and row[10] == dt.datetime(
                        2026, 11, 30
                    )
                    out[_dash(labels[row[0]])] = row[1]
        return out

    in_book = numbers(book)
    assert in_book == pytest.approx(on_page)
    # regenerated: the same figures
    again = load_workbook(
        io.BytesIO(client.get("/wbbm/evidence.xlsx", query_string=MONTH_ARGS).data)
    )
    assert numbers(again) == in_book
    page_again = client.get("/wbbm/evidence", query_string=MONTH_ARGS).get_data(as_text=True)
    assert _cell_values(page_again, "ev") == on_page


def test_the_evidence_page_prints_on_a4(client, login_as, rolled_up, kepala):
    login_as(kepala)
    html = client.get("/wbbm/evidence", query_string=MONTH_ARGS).get_data(as_text=True)
    assert "css/wbbm.css" in html
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/wbbm.css").read_text()
    assert "@media print" in css and "size: A4" in css
    for area in ("pelayanan", "pengawasan", "akuntabilitas", "sdm"):
        assert f'id="area-{area}"' in html


def test_admin_sets_a_target_and_the_status_follows(client, login_as, make_user, rolled_up):
    login_as(make_user("admin", name="Admin"))
    page = client.get("/wbbm/targets")
    assert page.status_code == 200
    bad = client.post_form(
        "/wbbm/targets", {"t_anggrek__wait_median": "lima belas"}, token_from="/wbbm/targets"
    )
    assert bad.status_code == 422
    assert "Tulis angka" in bad.get_data(as_text=True)
    from intranet.wbbm.definitions import FIGURES
    from intranet.wbbm.forms import field_name
    from intranet.wbbm.settings import targets

    data = {field_name(f.key): "" for f in FIGURES}
    data["t_anggrek__wait_median"] = "20"
    data["t_anggrek__ikm"] = "76,61"
    ok = client.post_form("/wbbm/targets", data, token_from="/wbbm/targets")
    assert ok.status_code in (302, 303)
    saved = targets()
    assert saved["anggrek.wait_median"] == 20 and saved["anggrek.ikm"] == 76.61
    assert saved["owl.warned_share"] is None
    html = client.get("/wbbm/", query_string=MONTH_ARGS).get_data(as_text=True)
    row = re.search(r'<tr id="fig-anggrek-wait_median">.*?</tr>', html, flags=re.S).group(0)
    assert "wbbm-status-on" in row
