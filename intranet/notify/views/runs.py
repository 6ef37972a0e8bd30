"""The periodic jobs' page: every job with its schedule and latest run, then the runs, newest
first (the runner and its records are ``intranet.jobs``)."""

from ...core.args import int_arg, text_arg
from ...core.responses import render
from ...policy import roles
from ...scheduling import load_job_modules
from .. import queries
from ..queries import PAGE_SIZE
from .blueprint import bp


@bp.get("/admin/scheduler/")
@roles("admin")
def scheduler_runs():
    jobs = load_job_modules()
    job_filter = text_arg("job", 100)
    before = int_arg("before")
    latest = queries.latest_runs(jobs)
    runs = queries.runs_page(job_filter, before)
    more = len(runs) > PAGE_SIZE
    return render(
        "notify/scheduler.html",
        jobs=dict(sorted(jobs.items())),
        latest=latest,
        runs=runs[:PAGE_SIZE],
        more=more,
        job_filter=job_filter,
    )
