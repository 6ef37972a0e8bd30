"""Demo pay runs: realistic components (DESIGN §9) for every demo employee."""

from intranet.emak import demo
from intranet.emak.models import DRAFT, FINAL, SENDING, PayLine, PayNotice, PayRun
from intranet.notify.models import OutboxMessage
from tests.conftest import seeded_faker


def test_demo_runs(app_ctx, make_user):
    accounts = {
        "keuangan": make_user("keuangan"),
        "kepala": make_user("kepala"),
        "atasan": make_user("atasan"),
    }
    staff = [make_user() for _ in range(6)]
    demo.load(seeded_faker(), accounts)
    runs = {(r.kind, r.period.month): r for r in PayRun.select()}
    assert runs[("gaji", 11)].status == SENDING
    assert runs[("tunjangan_kinerja", 10)].status == FINAL
    assert runs[("gaji", 12)].status == DRAFT
    people = len(staff) + len(accounts)
    sent = runs[("gaji", 11)]
    assert PayNotice.select().where(PayNotice.run == sent.id).count() == people
    assert OutboxMessage.select().where(OutboxMessage.object_id == str(sent.id)).count() == people
    for notice in PayNotice.select():
        assert 0 < notice.net <= notice.earnings
    bases = [x.amount for x in PayLine.select().where(PayLine.component == "gaji_pokok")]
    assert all(2_184_000 <= b <= 5_866_400 for b in bases)
    iwp = PayLine.get(PayLine.component == "iwp", PayLine.run == sent.id)
    base = PayLine.get(
        PayLine.component == "gaji_pokok",
        PayLine.run == sent.id,
        PayLine.employee == iwp.employee_id,
    )
    assert iwp.amount >= base.amount // 10  # 10 % of base salary and family allowance
