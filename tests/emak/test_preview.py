"""Preview: totals per component and overall, employee count, active employees without a line,
and the e-mail exactly as the outbox will render it, in the employee's language."""

from intranet.audit.models import AuditEntry

from .conftest import salary


def test_preview_totals_and_missing_employees(finance_client, finance, staff, make_user, make_run):
    a, b, c = staff
    make_user(name="Pegawai Nonaktif", active=False)
    run = make_run(salary(a) + salary(b))
    html = finance_client.get(f"/pay/runs/{run.id}/preview").get_data(as_text=True)
    assert 'data-component="gaji_pokok"' in html and "Rp 9.150.400" in html
    assert 'id="preview-net">Rp 9.328.242' in html
    assert "2 pegawai" in html
    # the finance officer and Dewi have no line; the inactive employee is not counted
    assert 'id="missing-count">2<' in html
    assert c.name in html and "Pegawai Nonaktif" not in html
    assert AuditEntry.get(AuditEntry.action == "payrun.previewed").actor_id == finance.id


def test_email_preview_in_the_employees_language(finance_client, staff, make_run):
    a, b, _c = staff
    run = make_run(salary(a) + salary(b), finalise=True)
    html = finance_client.get(
        f"/pay/runs/{run.id}/preview/{b.id}", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "Salary (gaji) November 2026: your pay notice" in html
    assert "Net amount" in html and "Rp 4.664.121" in html and "English" in html
    html = finance_client.get(
        f"/pay/runs/{run.id}/preview/{a.id}", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "Jumlah bersih" in html and "Rp 4.664.121" in html
    response = finance_client.get(f"/pay/runs/{run.id}/preview/{a.id}/html")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert "Rp 4.664.121" in response.get_data(as_text=True)
    entries = AuditEntry.select().where(AuditEntry.action == "payrun.notice_previewed")
    assert [e.detail for e in entries.order_by(AuditEntry.id)] == [
        f'{{"employee_id":{b.id}}}',
        f'{{"employee_id":{a.id}}}',
    ]


def test_preview_of_someone_without_lines_is_not_found(finance_client, staff, make_run):
    run = make_run(salary(staff[0]))
    assert finance_client.get(f"/pay/runs/{run.id}/preview/{staff[1].id}").status_code == 404
    assert finance_client.get(f"/pay/runs/{run.id}/preview/99999/html").status_code == 404


def test_employee_search_for_the_preview(finance_client, staff, make_run):
    a, b, _c = staff
    run = make_run(salary(a) + salary(b))
    html = finance_client.get(
        f"/pay/runs/{run.id}/employees?q=siti", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert a.name in html and b.name not in html


def test_nips_in_the_official_spaced_form(finance_client, staff, make_run):
    a, b, c = staff
    run = make_run(salary(a) + salary(b), finalise=True)

    def spaced(nip):
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"

    html = finance_client.get(f"/pay/runs/{run.id}/preview").get_data(as_text=True)
    assert spaced(c.nip) in html  # the active employee without a line
    html = finance_client.get(
        f"/pay/runs/{run.id}/employees?q=", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert spaced(a.nip) in html and spaced(b.nip) in html
    html = finance_client.get(
        f"/pay/runs/{run.id}/preview/{a.id}", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert f"NIP {spaced(a.nip)}" in html
