"""A seeded November 2026 for the WBBM figures: rows made through the services (Si Anggrek's
counter steps) or directly through the models, with the figures they add up to worked out by
hand in ``EXPECTED``."""

import datetime as dt

import pytest

MONTH = dt.date(2026, 11, 1)
# 2 November 2026 (a Monday), 08:00 WIB = 01:00 UTC
T0 = dt.datetime(2026, 11, 2, 1, 0, 0)


def at(minutes=0, day=0):
    return T0 + dt.timedelta(days=day, minutes=minutes)


# What the seed below adds up to for November 2026, computed by hand:
EXPECTED = {
    # waits 5, 19, 43 minutes; interviews 10, 20 (served) and 4 (referred)
    "anggrek.served": 2,
    "anggrek.wait_median": 19,
    "anggrek.wait_p90": 43,  # rank ceil(0.9 x 3) = 3
    "anggrek.service_median": 10,
    "anggrek.service_p90": 20,
    # answers: all nine 4, and all nine 3 -> element means 3.5 -> 3.5 x 25
    "anggrek.ikm": 87.5,
    # idle while waiting: 0-5 (A001 waits), 16-20 (A002), 41-45 (A003): 13 minutes, 1 day open
    "anggrek.idle_per_day": 13.0,
    "anggrek.idle_total": 13.0,
    # flags: one opened 3 Nov, decided 10 Nov; one opened 20 Nov 01:00 UTC, open at the end
    # of the month (1 Dec 00:00 WIB = 30 Nov 17:00 UTC): 10 days 16 hours
    "flags.opened": 2,
    "flags.decided": 1,
    "flags.open_at_end": 1,
    "flags.open_age": 10.7,
    # four permits expiring in November: two warned, one renewed in time
    "owl.expiring": 4,
    "owl.warned_share": 50.0,
    "owl.renewed_share": 25.0,
    # two applications: 2 and 5 working days, standard 3
    "owl.within_standard": 50.0,
    "owl.average_days": 3.5,
    # overstay: one opened 15 Nov, escalated 20 Nov, followed up 21 Nov, still open; one opened
    # 10 Nov and closed 12 Nov
    "owl.overstay_opened": 2,
    "owl.overstay_escalated": 1,
    "owl.overstay_open": 1,
    "owl.overstay_followed": 100.0,
    # visitors on 5 November: 2 blue, 1 red, 1 green; one blue swept at closing time
    "jali.visits": 4,
    "jali.visits_wni": 2,
    "jali.visits_wna": 1,
    "jali.visits_official": 1,
    "jali.not_checked_out": 25.0,
    # deliverables: approved, approved, pending, rejected; one flagged
    "cempaka.submitted": 4,
    "cempaka.approved": 2,
    "cempaka.approved_share": 50.0,
    "cempaka.flagged": 1,
    "cempaka.flagged_share": 25.0,
    # pay notices: one sent an hour after the click, one dead
    "emak.delivered": 1,
    "emak.on_time_share": 50.0,
    "emak.failed": 1,
}


@pytest.fixture
def units(app_ctx):
    from intranet.people.models import Unit

    return {
        "lantas": Unit.create(code="LANTAS", name="Seksi Lalu Lintas Keimigrasian"),
        "tik": Unit.create(code="TIK", name="Seksi Teknologi Informasi"),
        "inteldakim": Unit.create(code="INTEL", name="Seksi Inteldakim"),
    }


def seed_counter_day(officer, counter, day=0):
    """One officer's morning (minutes after 08:00 WIB): tickets issued @0, @1, @2; open @0,
    call @5, start @6, served @16; call @20, start @21, served @41; call @45, start @46,
    referred @50; close @60."""
    from intranet.anggrek import services as S

    tickets = [S.issue_ticket("paspor_baru", at=at(m, day)) for m in (0, 1, 2)]
    S.open_counter(counter, officer, at=at(0, day))
    for ticket, (call, start, finish, outcome) in zip(
        tickets,
        ((5, 6, 16, "served"), (20, 21, 41, "served"), (45, 46, 50, "referred")),
        strict=True,
    ):
        assert S.call_next(counter, officer, at=at(call, day)).id == ticket.id
        S.start_interview(counter, officer, ticket.id, at=at(start, day))
        S.finish_ticket(counter, officer, ticket.id, outcome, at=at(finish, day))
    S.close_counter(counter, officer, at=at(60, day))
    return tickets


@pytest.fixture
def seeded(app_ctx, units, make_user):
    from intranet.anggrek import services as anggrek
    from intranet.anggrek.models import Flag, SurveyResponse
    from intranet.cempaka.models import Submission
    from intranet.emak.models import PayNotice, PayRun
    from intranet.jali.models import Visit, Visitor
    from intranet.notify.models import OutboxMessage
    from intranet.owl.models import (
        Application,
        Foreigner,
        OverstayCase,
        OverstayFollowUp,
        Permit,
        PermitWarning,
    )

    lantas, tik = units["lantas"], units["tik"]
    kasi = make_user("atasan", name="Kasi Lantas", email="kasi.lantas@test.local", unit=lantas)
    kasi_tik = make_user("atasan", name="Kasi TIK", email="kasi.tik@test.local", unit=tik)
    officer = make_user("loket", name="Petugas Loket", unit=lantas, supervisor=kasi)
    employee = make_user("pegawai", name="Pegawai TIK", unit=tik, supervisor=kasi_tik)
    permit_officer = make_user("izin_tinggal", name="Petugas Izin", unit=units["inteldakim"])
    counter = anggrek.create_counter(code="L01", name="Loket 1", unit=lantas)

    # Si Anggrek
    tickets = seed_counter_day(officer, counter)
    for ticket, rating in zip(tickets[:2], (4, 3), strict=True):
        SurveyResponse.create(
            ticket=ticket, counter=counter, officer=officer, unit=lantas,
            submitted_at=at(120), **{f"u{i}": rating for i in range(1, 10)},
        )  # fmt: skip
    Flag.create(
        officer=officer, reporter=kasi, category="slow", description="x",
        created_at=at(0, 1), status="resolved", resolution="substantiated",
        resolved_at=at(0, 8), decided_by=kasi,
    )  # fmt: skip
    Flag.create(
        officer=officer, reporter=kasi, category="rude", description="y",
        created_at=dt.datetime(2026, 11, 20, 1, 0),
    )  # fmt: skip

    # Si Cempaka
    for i, (status, flags) in enumerate(
        (("approved", 0), ("approved", 8), ("pending", 0), ("rejected", 0))
    ):
        Submission.create(
            employee=employee, work_date=dt.date(2026, 11, 3 + i), title=f"Laporan {i}",
            status=status, location_status="ok", flags=flags,
        )  # fmt: skip
    # a deliverable of October and a withdrawn one: not counted
    Submission.create(
        employee=employee, work_date=dt.date(2026, 10, 30), title="Oktober", status="approved",
        location_status="ok",
    )  # fmt: skip
    Submission.create(
        employee=employee, work_date=dt.date(2026, 11, 9), title="Ditarik", status="withdrawn",
        location_status="ok",
    )  # fmt: skip

    # Si Emak
    clicked = dt.datetime(2026, 11, 25, 2, 0)
    run = PayRun.create(
        period=MONTH, kind="gaji", pay_date=dt.date(2026, 11, 27), status="sent",
        send_requested_at=clicked,
    )  # fmt: skip
    for person, status, sent in (
        (employee, "sent", clicked + dt.timedelta(hours=1)),
        (officer, "dead", None),
    ):
        message = OutboxMessage.create(
            key=f"pay:{run.id}:{person.id}", kind="emak.pay_notice", to_address=person.email,
            template="emak/email/pay_notice", status=status, sent_at=sent,
        )  # fmt: skip
        PayNotice.create(
            run=run, employee=person, earnings=100, deductions=0, net=100, outbox_id=message.id
        )

    # Si Jali
    for number, (category, method) in enumerate(
        (("wni", "desk"), ("wni", "sweep"), ("wna", "qr"), ("official", "desk")), start=1
    ):
        visitor = Visitor.create(id_type="nik", id_number=f"31710{number}", name=f"Tamu {number}")
        Visit.create(
            visit_date=dt.date(2026, 11, 5), number=number, category=category, visitor=visitor,
            name=visitor.name, purpose="Paspor", checked_in_at=at(0, 3),
            checked_out_at=at(60, 3), checkout_method=method,
        )  # fmt: skip

    # Si Owl
    def person(i):  # one foreigner per permit: none is another's successor
        return Foreigner.create(
            name=f"Foreigner {i}", passport_number=f"X{i}", passport_key=f"X{i}",
            passport_country="GB", nationality="GB",
        )  # fmt: skip

    permits = []
    for i, expiry in enumerate((dt.date(2026, 11, 10), dt.date(2026, 11, 12),
                                dt.date(2026, 11, 20), dt.date(2026, 11, 28))):  # fmt: skip
        permits.append(
            Permit.create(
                foreigner=person(i),
                permit_type="ITAS",
                permit_number=f"P{i}",
                issue_date=dt.date(2026, 5, 1),
                expiry_date=expiry,
            )  # fmt: skip
        )
    foreigner = permits[0].foreigner
    Permit.create(
        foreigner=person(9), permit_type="ITAS", permit_number="CANCELLED",
        issue_date=dt.date(2026, 5, 1), expiry_date=dt.date(2026, 11, 11), status="cancelled",
    )  # fmt: skip
    for permit in permits[:2]:
        PermitWarning.create(
            permit=permit, lead_days=30, days_left=30,
            scan_date=permit.expiry_date - dt.timedelta(days=30), batch="b",
        )  # fmt: skip
    for number, permit, received, decided in (
        ("A-1", permits[2], dt.date(2026, 11, 2), dt.date(2026, 11, 4)),
        ("A-2", None, dt.date(2026, 11, 2), dt.date(2026, 11, 9)),
    ):
        Application.create(
            number=number, foreigner=permit.foreigner if permit else foreigner, permit=permit,
            kind="extension",
            requested_type="ITAS", status="completed", officer=permit_officer,
            received_on=received, decided_on=decided,
            decided_at=dt.datetime.combine(decided, dt.time(3)),
        )  # fmt: skip
    case = OverstayCase.create(
        permit=permits[0], foreigner=foreigner, expiry_date=permits[0].expiry_date,
        opened_on=dt.date(2026, 11, 15), escalated_on=dt.date(2026, 11, 20),
    )  # fmt: skip
    OverstayFollowUp.create(case=case, action="visited", action_date=dt.date(2026, 11, 21))
    OverstayCase.create(
        permit=permits[1], foreigner=permits[1].foreigner, expiry_date=permits[1].expiry_date,
        opened_on=dt.date(2026, 11, 10), status="closed", closed_on=dt.date(2026, 11, 12),
    )  # fmt: skip
    return {
        "units": units,
        "kasi": kasi,
        "kasi_tik": kasi_tik,
        "officer": officer,
        "employee": employee,
        "counter": counter,
    }


@pytest.fixture
def rolled_up(seeded):
    from intranet.wbbm import figures, rollup

    rollup.rebuild(dt.date(2026, 10, 1), dt.date(2026, 12, 7), now=dt.datetime(2026, 12, 7, 3))
    figures.clear_cache()
    return seeded
