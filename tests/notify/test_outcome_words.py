"""What a periodic job did is told as a sentence in the reader's language (issue 17): never
``counters_closed: 1`` or "0 run(s) older than 30 days deleted" in the Indonesian scheduler page.

A run's result is stored as data (JSON: counts and dicts of counts) and told by
``intranet.notify.labels.describe`` with ``ngettext``; rows stored before (``key: value`` text
and the old English purge sentence) read the same."""

import json

import pytest
from flask_babel import force_locale

from intranet.jobs import scheduler
from intranet.jobs.models import ScheduledRun
from intranet.models import utcnow
from intranet.notify.labels import describe
from intranet.scheduling import load_job_modules
from tests.core.test_role_walk import ENGLISH, INDONESIAN, code_problems

OTHER_LANGUAGE = {"id": ENGLISH, "en": INDONESIAN}


def _told(job, outcome, language):
    with force_locale(language):
        return describe(job, outcome)


def _problems(text, language):
    found = code_problems([text])
    if "(s)" in text:
        found.append(f"'(s)' instead of a plural in {text!r}")
    m = OTHER_LANGUAGE[language].search(text)
    if m:
        found.append(f"{m.group(0)!r} of the other language in {text!r}")
    return found


def _with_counts(result, n):
    if isinstance(result, bool):
        return result
    if isinstance(result, int):
        return n
    if isinstance(result, dict):
        return {k: _with_counts(v, n) for k, v in result.items()}
    return result


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_jobs_result_is_a_sentence(app, app_ctx, language):
    """Each installed periodic job runs once (on an empty office) and its result, with counts
    of 0, 1 and 2, is told without a code, a '(s)' or a word of the other language."""
    jobs = load_job_modules()
    assert len(jobs) >= 9, sorted(jobs)
    problems = []
    with app.test_request_context("/"):
        for name, job in sorted(jobs.items()):
            result = scheduler.call_job(scheduler._import(job.func_path), utcnow())
            for n in (0, 1, 2):
                outcome = scheduler.stored_outcome(_with_counts(result, n))
                if isinstance(result, dict | int) and not isinstance(result, bool):
                    assert json.loads(outcome) == _with_counts(result, n), name
                text = _told(name, outcome, language)
                if outcome and not text:
                    problems.append(f"{name}: {outcome!r} told as nothing")
                problems += [f"{name} ({n}): {p}" for p in _problems(text, language)]
    assert problems == []


OLD_ROWS = [
    # (job, outcome stored before issue 17, English, Indonesian)
    (
        "notify.purge_run_history",
        "0 run(s) older than 30 days deleted",
        "0 runs older than 30 days deleted",
        "0 eksekusi yang lebih lama dari 30 hari dihapus",
    ),
    (
        "notify.purge_run_history",
        "1 run(s) older than 30 days deleted",
        "1 run older than 30 days deleted",
        "1 eksekusi yang lebih lama dari 30 hari dihapus",
    ),
    (
        "anggrek.close_day",
        "counters_closed: 1, tickets_not_called: 2",
        "1 counter closed, 2 tickets marked not called",
        "1 loket ditutup, 2 tiket ditandai tidak dipanggil",
    ),
]


@pytest.mark.parametrize(("job", "outcome", "english", "indonesian"), OLD_ROWS)
def test_rows_stored_before_read_as_sentences(app, job, outcome, english, indonesian):
    with app.test_request_context("/"):
        assert _told(job, outcome, "en") == english
        assert _told(job, outcome, "id") == indonesian


def test_the_same_result_stored_now_reads_the_same(app):
    stored = scheduler.stored_outcome({"counters_closed": 1, "tickets_not_called": 2})
    assert json.loads(stored) == {"counters_closed": 1, "tickets_not_called": 2}
    with app.test_request_context("/"):
        assert _told("anggrek.close_day", stored, "en") == (
            "1 counter closed, 2 tickets marked not called"
        )
        assert _told("notify.purge_run_history", '{"deleted": 2, "days": 30}', "en") == (
            "2 runs older than 30 days deleted"
        )


@pytest.mark.parametrize("language", ["id", "en"])
def test_scheduler_page_tells_a_real_run(app_ctx, run_jobs, make_user, login_as, client, language):
    """A real run of the counters' day close, through the runner, on the admin's page."""
    jobs = {k: v for k, v in load_job_modules().items() if k == "anggrek.close_day"}
    assert scheduler.tick(utcnow(), jobs) == ["anggrek.close_day"]
    run_jobs()
    run = ScheduledRun.get(ScheduledRun.job == "anggrek.close_day")
    assert run.status == "ok" and json.loads(run.outcome) == {
        "counters_closed": 0,
        "tickets_not_called": 0,
    }
    admin = make_user("admin", language=language)
    login_as(admin)
    client.set_cookie("lang", language)
    html = client.get("/admin/scheduler/").get_data(as_text=True)
    sentence = (
        "0 loket ditutup, 0 tiket ditandai tidak dipanggil"
        if language == "id"
        else "0 counters closed, 0 tickets marked not called"
    )
    assert sentence in html
    assert "counters_closed" not in html
