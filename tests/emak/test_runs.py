"""Pay runs through their routes: create, lines form (htmx rows and live totals), finalise; the
state machine; what the audit log records (never amounts)."""

import datetime as dt
import re

import pytest

from intranet.audit.models import AuditEntry
from intranet.emak import lines, runs
from intranet.emak.models import DRAFT, FINAL, PayLine, PayNotice, PayRun

from .conftest import net_of, post, salary

RUN_FORM = {
    "period": "2026-11",
    "kind": "gaji",
    "kind_label": "",
    "pay_date": "2026-11-25",
    "send_after": "2026-11-25T08:00",
    "note": "Gaji induk",
}


def test_finance_creates_a_run(finance_client, finance):
    response = post(finance_client, "/pay/runs/new", RUN_FORM)
    assert response.status_code == 303
    run = PayRun.get()
    assert (run.period, run.kind, run.status) == (dt.date(2026, 11, 1), "gaji", DRAFT)
    assert run.send_after == dt.datetime(2026, 11, 25, 1, 0)  # 08:00 WIB is 01:00 UTC
    assert run.created_by_id == finance.id
    entry = AuditEntry.get(AuditEntry.action == "payrun.created")
    assert entry.actor_id == finance.id and entry.object_id == str(run.id)
    page = finance_client.get(f"/pay/runs/{run.id}").get_data(as_text=True)
    assert "November 2026" in page


RUN_FORM_ERRORS = [
    ({"period": ""}, "Pilih bulan yang dibayar."),
    ({"period": "2026-13"}, "Pilih bulan."),
    ({"pay_date": "25/11/2026"}, "Masukkan tanggal yang benar."),
    ({"kind": "lainnya"}, "Beri nama pembayaran"),
    ({"kind": "bonus"}, "is-invalid"),
    ({"send_after": "besok"}, "Masukkan tanggal dan jam yang benar."),
]


def test_run_form_errors_are_clear_and_nothing_is_saved(finance_client):
    for change, message in RUN_FORM_ERRORS:
        response = post(finance_client, "/pay/runs/new", {**RUN_FORM, **change})
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), change
    assert PayRun.select().count() == 0


def test_other_kind_needs_and_keeps_its_name(finance_client):
    response = post(
        finance_client,
        "/pay/runs/new",
        {**RUN_FORM, "kind": "lainnya", "kind_label": "Uang lembur"},
    )
    assert response.status_code == 303
    run = PayRun.get()
    assert run.kind_label == "Uang lembur"
    assert "Uang lembur" in finance_client.get(f"/pay/runs/{run.id}").get_data(as_text=True)


def _lines(nip, *rows):
    data = {"nip": nip}
    for i, (code, amount) in enumerate(rows):
        data[f"lines-{i}-component"] = code
        data[f"lines-{i}-amount"] = amount
    return data


def test_lines_form_rows_and_live_totals(finance_client, staff, make_run):
    run = make_run()
    a = staff[0]
    base = _lines(a.nip, ("gaji_pokok", "4.575.200"), ("iwp", "457.520"))
    # add a row: the server re-renders the editor with one more (empty) row
    response = post(
        finance_client, f"/pay/runs/{run.id}/lines/editor", {**base, "op": "add"}, htmx=True
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="line-row"') == 3
    assert 'id="total-net"' in html and "Rp 4.117.680" in html
    # remove the first row
    html = post(
        finance_client, f"/pay/runs/{run.id}/lines/editor", {**base, "op": "remove-0"}, htmx=True
    ).get_data(as_text=True)
    assert html.count('class="line-row"') == 1
    assert 'value="457.520"' in html and 'value="4.575.200"' not in html
    # live totals as typed, an unreadable amount is named
    html = post(
        finance_client,
        f"/pay/runs/{run.id}/lines/totals",
        {**base, "lines-2-component": "tunjangan_umum", "lines-2-amount": "12,5,0"},
        htmx=True,
    ).get_data(as_text=True)
    assert "Rp 4.575.200" in html and "Rp 457.520" in html and "Rp 4.117.680" in html
    assert "1 nominal tidak terbaca" in html
    assert PayLine.select().count() == 0  # nothing is saved by the helpers


def test_lines_form_saves_and_replaces_one_employee(finance_client, finance, staff, make_run):
    run = make_run()
    a = staff[0]
    response = post(
        finance_client,
        f"/pay/runs/{run.id}/lines",
        _lines(a.display_nip, ("gaji_pokok", "4.575.200,00"), ("iwp", "457520")),
    )
    assert response.status_code == 303
    assert sorted((x.component, x.amount) for x in PayLine.select()) == [
        ("gaji_pokok", 4_575_200),
        ("iwp", 457_520),
    ]
    response = post(
        finance_client,
        f"/pay/runs/{run.id}/lines",
        _lines(a.nip, ("tunjangan_kinerja", "5.079.200")),
    )
    assert response.status_code == 303
    assert [(x.component, x.amount) for x in PayLine.select()] == [("tunjangan_kinerja", 5_079_200)]
    # the edit form is pre-filled with the saved lines
    html = finance_client.get(f"/pay/runs/{run.id}/lines?employee={a.id}").get_data(as_text=True)
    assert 'value="5.079.200"' in html


LINE_ERRORS = [
    (lambda a: _lines(a.nip, ("gaji_pokok", "-100")), "tidak boleh negatif"),
    (lambda a: _lines(a.nip, ("gaji_pokok", "1,234,567")), "1.234.567"),
    (lambda a: _lines(a.nip, ("gaji_pokok", "100"), ("gaji_pokok", "200")), "sudah ada"),
    (lambda a: _lines(a.nip, ("gaji_pokok", "100"), ("iwp", "200")), "negatif"),
    (lambda a: _lines("199001012015051999", ("gaji_pokok", "100")), "NIP ini"),
    (lambda a: _lines("123", ("gaji_pokok", "100")), "18 digit"),
    (lambda a: _lines(a.nip, ("bonus", "100")), "Pilih komponen"),
]


def test_lines_form_refuses_bad_input(finance_client, staff, make_run):
    run = make_run()
    for data, message in LINE_ERRORS:
        response = post(finance_client, f"/pay/runs/{run.id}/lines", data(staff[0]))
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    assert PayLine.select().count() == 0


def test_inline_nip_check(finance_client, staff, make_run):
    run = make_run()
    html = post(
        finance_client, f"/pay/runs/{run.id}/lines/check-employee", {"nip": staff[0].nip}, htmx=True
    ).get_data(as_text=True)
    assert staff[0].name in html
    html = post(
        finance_client,
        f"/pay/runs/{run.id}/lines/check-employee",
        {"nip": "199001012015051999"},
        htmx=True,
    ).get_data(as_text=True)
    assert "invalid-feedback" in html


def test_finalise_freezes_totals_per_employee(finance_client, finance, staff, make_run):
    a, b, _c = staff
    run = make_run(salary(a) + salary(b, base=3_026_400, family=0, iwp=302_640, bpjs=30_264))
    response = post(finance_client, f"/pay/runs/{run.id}/finalise")
    assert response.status_code == 303
    run = PayRun.get_by_id(run.id)
    assert run.status == FINAL and run.finalised_by_id == finance.id
    nets = {n.employee_id: n.net for n in PayNotice.select()}
    assert nets == {
        a.id: net_of(),
        b.id: net_of(base=3_026_400, family=0, iwp=302_640, bpjs=30_264),
    }
    assert AuditEntry.get(AuditEntry.action == "payrun.finalised").actor_id == finance.id


def test_empty_run_cannot_be_finalised(finance_client, make_run):
    run = make_run()
    post(finance_client, f"/pay/runs/{run.id}/finalise")
    assert PayRun.get_by_id(run.id).status == DRAFT
    assert "belum memiliki baris" in finance_client.get(f"/pay/runs/{run.id}").get_data(
        as_text=True
    )


def test_state_machine_only_moves_forward(app_ctx, finance, staff, make_run):
    run = make_run(salary(staff[0]), finalise=True)
    with pytest.raises(runs.RunLocked):
        runs.finalise_run(run.id, actor=finance)
    with pytest.raises(runs.RunLocked):
        runs.update_run(
            run.id,
            actor=finance,
            period=dt.date(2026, 12, 1),
            kind="gaji",
            pay_date=dt.date(2026, 12, 1),
        )
    with pytest.raises(runs.RunLocked):
        runs.delete_run(run.id, actor=finance)
    with pytest.raises(runs.RunLocked):
        lines.save_employee_lines(run.id, staff[1].id, [("gaji_pokok", 1)], actor=finance)
    with pytest.raises(runs.RunLocked):
        lines.delete_employee_lines(run.id, staff[0].id, actor=finance)
    assert PayRun.get_by_id(run.id).status == FINAL


def test_correction_is_a_new_run_referencing_the_old(finance_client, finance, staff, make_run):
    run = make_run(salary(staff[0]), finalise=True)
    response = post(finance_client, f"/pay/runs/{run.id}/correction")
    assert response.status_code == 303
    new = PayRun.get(PayRun.id != run.id)
    assert new.corrects_id == run.id and new.status == DRAFT
    assert PayLine.select().where(PayLine.run == new.id).count() == 5
    lines.save_employee_lines(new.id, staff[0].id, [("gaji_pokok", 4_600_000)], actor=finance)
    assert PayLine.select().where(PayLine.run == run.id).count() == 5  # the original is intact


def test_draft_can_be_deleted(finance_client, staff, make_run):
    run = make_run(salary(staff[0]))
    assert post(finance_client, f"/pay/runs/{run.id}/delete").status_code == 303
    assert PayRun.select().count() == 0 and PayLine.select().count() == 0


def test_run_page_lists_employees_with_search(finance_client, staff, make_run):
    a, b, _c = staff
    run = make_run(salary(a) + salary(b))
    html = finance_client.get(f"/pay/runs/{run.id}").get_data(as_text=True)
    assert a.name in html and b.name in html and "Rp 4.664.121" in html
    html = finance_client.get(
        f"/pay/runs/{run.id}?q=budi", headers={"HX-Request": "true", "HX-Target": "employee-rows"}
    ).get_data(as_text=True)
    assert b.name in html and a.name not in html and "<nav" not in html


def test_other_roles_cannot_reach_pay_runs(client, login_as, make_user, make_run, staff):
    run = make_run(salary(staff[0]))
    for role in ("pegawai", "atasan", "kepala", "admin"):
        login_as(make_user(role))
        assert client.get(f"/pay/runs/{run.id}").status_code == 403
        assert client.get("/pay/runs").status_code == 403


def test_audit_never_holds_amounts(finance_client, finance, staff, make_run):
    a, b, _c = staff
    run = make_run(salary(a) + salary(b))
    post(finance_client, f"/pay/runs/{run.id}/finalise")
    finance_client.get(f"/pay/runs/{run.id}")
    amounts = {str(x.amount) for x in PayLine.select()} | {str(n.net) for n in PayNotice.select()}
    amounts |= {f"{int(v):,}".replace(",", ".") for v in amounts}
    for entry in AuditEntry.select():
        numbers = set(re.findall(r"[\d.]{4,}", entry.detail))
        assert not numbers & amounts, (entry.action, entry.detail)
    actions = {e.action for e in AuditEntry.select()}
    assert {"payrun.created", "payrun.lines_saved", "payrun.finalised", "payrun.viewed"} <= actions
