"""A search over a run's employees is audited as the run's page is (issue 16): the search box
asks for the employee rows alone, and that fragment answer must not skip the audit."""

import json

from intranet.audit.models import AuditEntry

from .conftest import salary


def _viewed(run):
    entries = AuditEntry.select().where(
        AuditEntry.action == "payrun.viewed", AuditEntry.object_id == str(run.id)
    )
    return [json.loads(e.detail) for e in entries.order_by(AuditEntry.id)]


def test_a_search_from_the_search_box_is_audited(finance_client, finance, staff, make_run):
    run = make_run(salary(staff[0]) + salary(staff[1]))
    # What the search box of templates/emak/run.html sends: hx-get on the run's page with the
    # form's fields, aimed at hx-target="#employee-rows".
    response = finance_client.get(
        f"/pay/runs/{run.id}?q=siti",
        headers={
            "HX-Request": "true",
            "HX-Target": "employee-rows",
            "HX-Current-URL": f"http://localhost/pay/runs/{run.id}",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="employee-rows">')  # the rows alone, no page
    assert "Siti Rahmawati" in html and "Budi Santoso" not in html
    assert _viewed(run) == [{"page": 1, "search": True}]
    entry = AuditEntry.get(AuditEntry.action == "payrun.viewed")
    assert entry.actor_id == finance.id


def test_the_page_and_its_search_are_audited_alike(finance_client, staff, make_run):
    run = make_run(salary(staff[0]))
    finance_client.get(f"/pay/runs/{run.id}")
    finance_client.get(
        f"/pay/runs/{run.id}?q=&page=1",
        headers={"HX-Request": "true", "HX-Target": "employee-rows"},
    )
    assert _viewed(run) == [{"page": 1, "search": False}, {"page": 1, "search": False}]
