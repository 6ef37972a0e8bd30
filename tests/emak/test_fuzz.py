"""Every Si Emak form fuzzed with generated input against a real draft run: never a 500, and a
refused request leaves the run's lines as they were (nothing half-saved)."""

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intranet.emak.models import PayLine, PayRun

from .conftest import salary

AMOUNTS = st.one_of(
    st.text(alphabet="0123456789.,- Rp", max_size=20),
    st.sampled_from(["", "-1", "1e309", "9" * 40, "1.234.567,00", "\x00", "NaN"]),
    st.text(max_size=20),
)
TEXT = st.one_of(
    st.text(max_size=30), st.sampled_from(["", "../../x", "<b>", "2026-13", "a\x00b", "\x00"])
)


def _snapshot(run_id):
    return sorted(
        PayLine.select(PayLine.employee, PayLine.component, PayLine.amount)
        .where(PayLine.run == run_id)
        .tuples()
    )


def test_emak_forms_survive_generated_input(app, finance_client, staff, make_run):
    app.config["WTF_CSRF_ENABLED"] = False
    client = finance_client
    run = make_run(salary(staff[0]))
    current = [_snapshot(run.id)]
    nip = st.one_of(st.just(staff[1].nip), st.just(staff[0].display_nip), TEXT)
    component = st.one_of(st.sampled_from(["gaji_pokok", "iwp", "", "bonus"]), TEXT)
    form = st.fixed_dictionaries(
        {
            "nip": nip,
            "lines-0-component": component,
            "lines-0-amount": AMOUNTS,
            "lines-1-component": component,
            "lines-1-amount": AMOUNTS,
            "lines-x-amount": AMOUNTS,
            "op": st.sampled_from(["add", "remove-0", "remove-99", "remove-x", ""]),
            "period": TEXT,
            "kind": st.sampled_from(["gaji", "lainnya", "", "x"]),
            "kind_label": TEXT,
            "pay_date": TEXT,
            "send_after": TEXT,
            "note": TEXT,
        }
    )
    urls = [
        f"/pay/runs/{run.id}/lines",
        f"/pay/runs/{run.id}/lines/editor",
        f"/pay/runs/{run.id}/lines/totals",
        f"/pay/runs/{run.id}/lines/check-employee",
        f"/pay/runs/{run.id}/edit",
        "/pay/runs/new",
    ]
    searches = [f"/pay/runs/{run.id}", f"/pay/runs/{run.id}/employees", "/pay/runs"]

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(form)
    def fuzz(data):
        for url in urls:
            response = client.post(url, data=data)
            assert response.status_code < 500, (url, data)
            if response.status_code == 303:  # accepted: the new state is the reference
                current[0] = _snapshot(run.id)
            else:
                assert _snapshot(run.id) == current[0], (url, data)
        for url in searches:
            response = client.get(url, query_string={"q": data["nip"], "status": data["kind"]})
            assert response.status_code < 500, (url, data)

    fuzz()

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        st.binary(max_size=300),
        st.sampled_from(["a.csv", "a.xlsx", "a.txt", "", "a.CSV"]),
        st.sampled_from(["", "y"]),
    )
    def fuzz_upload(content, name, replace):
        response = client.post(
            f"/pay/runs/{run.id}/import",
            data={"file": (io.BytesIO(content), name), "replace": replace},
            content_type="multipart/form-data",
        )
        assert response.status_code < 500, (name, content)
        if response.status_code == 303:
            current[0] = _snapshot(run.id)
        else:
            assert _snapshot(run.id) == current[0]

    current[0] = _snapshot(run.id)
    fuzz_upload()
    assert PayRun.select().where(PayRun.id == run.id).exists()
