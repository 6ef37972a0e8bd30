"""Demo data loads through the foundation's demo loader; the benchmark's page set fills a
database the visitor log reads (a smoke test: bench/pages measures speed, not this)."""

from types import SimpleNamespace

from intranet.jali.models import Visit, VisitCounter, Visitor
from tests.conftest import seeded_faker


def test_demo_load(app_ctx, make_user):
    from intranet.demo import DEMO_MODULES
    from intranet.jali import demo

    assert "intranet.jali.demo" in DEMO_MODULES
    accounts = {"resepsionis": make_user("resepsionis")}
    make_user("atasan")
    assert demo.load(seeded_faker(), accounts) == Visit.select().count()
    assert Visit.select().count() > 200
    assert {v.category for v in Visit.select(Visit.category).distinct()} == {
        "wni",
        "wna",
        "official",
    }
    assert Visitor.select().where(Visitor.visit_count > 1).exists()  # repeat visitors
    assert Visit.select().where(Visit.checkout_method == "sweep").exists()
    # every day's counter continues after its last number
    for counter in VisitCounter.select():
        top = Visit.select(Visit.number).where(Visit.visit_date == counter.day)
        assert counter.last >= max(v.number for v in top)


def test_bench_page_set_fills_the_visitor_log(app, client, make_user, login_as):
    from bench.pagesets import jali as pageset

    with app.app_context():
        desk = make_user("resepsionis", language="en")
        people = SimpleNamespace(
            accounts={"resepsionis": desk, "atasan": make_user("atasan")},
            staff_ids=[desk.id],
            unit_ids=[],
        )
        pages = pageset.populate(2000, people)
        assert Visit.select().count() == 2000
        assert VisitCounter.select().count() == 3
    assert pages == [("jali_visitor_log", "/jali/visits", "resepsionis")]
    login_as(desk, client)
    response = client.get(pages[0][1])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("jali-row-mark") == 50 and "Page 1 of 8" in html
    assert client.get("/jali/").status_code == 200
