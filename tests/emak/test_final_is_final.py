"""A final run's lines cannot change through any route: every POST route of Si Emak is tried
with well-formed data that would change lines of a draft, and the lines stay as they were."""

import io

import pytest

from intranet.emak import lines, runs, sending
from intranet.emak.models import PayLine, PayNotice, PayRun

from .conftest import make_csv, post, salary

FROZEN_FIELDS = ("period", "kind", "kind_label", "pay_date", "send_after", "note")


def _snapshot(run_id):
    lines = sorted(
        (x.employee_id, x.component, x.amount)
        for x in PayLine.select().where(PayLine.run == run_id)
    )
    notices = sorted(
        (n.employee_id, n.earnings, n.deductions, n.net)
        for n in PayNotice.select().where(PayNotice.run == run_id)
    )
    run = PayRun.get_by_id(run_id)
    return lines, notices, tuple(getattr(run, f) for f in FROZEN_FIELDS)


def _payload(staff):
    a, b, _c = staff
    return {
        # run details
        "period": "2026-12",
        "kind": "insentif",
        "kind_label": "",
        "pay_date": "2026-12-20",
        "send_after": "",
        "note": "changed",
        # one employee's lines (form)
        "nip": b.nip,
        "lines-0-component": "gaji_pokok",
        "lines-0-amount": "9.999.999",
        "lines-1-component": "insentif",
        "lines-1-amount": "1.000.000",
        "op": "add",
        # an import that replaces every line
        "replace": "y",
    }


def _emak_post_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("emak.") and "POST" in rule.methods:
            yield rule


@pytest.mark.parametrize("state", ["final", "sending"])
def test_no_route_changes_a_final_runs_lines(app, finance_client, finance, staff, make_run, state):
    a, b, _c = staff
    run = make_run(salary(a) + salary(b), finalise=True)
    if state == "sending":
        sending.send_run(run.id, actor=finance)
    before = _snapshot(run.id)
    tried = []
    for rule in _emak_post_rules(app):
        url = rule.build({"run_id": run.id, "employee_id": a.id}, append_unknown=False)[1]
        data = dict(_payload(staff))
        data["file"] = (io.BytesIO(make_csv([(b.nip, "gaji_pokok", "1")])), "gaji.csv")
        response = post(finance_client, url, data, content_type="multipart/form-data")
        assert response.status_code < 500, (url, response.status_code)
        assert _snapshot(run.id) == before, url
        tried.append(rule.endpoint)
    for endpoint in (
        "emak.edit_run",
        "emak.delete_run",
        "emak.edit_lines",
        "emak.delete_lines",
        "emak.import_lines",
        "emak.finalise_run",
        "emak.send_run",
        "emak.resend_failed",
        "emak.create_correction",
    ):
        assert endpoint in tried
    # The services refuse too, whoever calls them.
    for call in (
        lambda: lines.save_employee_lines(run.id, a.id, [("gaji_pokok", 1)], actor=finance),
        lambda: lines.delete_employee_lines(run.id, a.id, actor=finance),
        lambda: lines.import_lines(
            run.id,
            filename="x.csv",
            replace=True,
            actor=finance,
            data=make_csv([(a.nip, "gaji_pokok", "1")]),
        ),
        lambda: runs.delete_run(run.id, actor=finance),
    ):
        with pytest.raises(runs.RunLocked):
            call()
    assert _snapshot(run.id) == before


def test_refusal_is_explained(finance_client, staff, make_run):
    run = make_run(salary(staff[0]), finalise=True)
    response = post(
        finance_client,
        f"/pay/runs/{run.id}/lines",
        {"nip": staff[0].nip, "lines-0-component": "gaji_pokok", "lines-0-amount": "1"},
    )
    assert response.status_code == 303
    page = finance_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sudah final: barisnya tidak dapat diubah" in page
