"""The job runtime (DESIGN §4 "Scheduler"): the periodic-job runner that ``worker.py`` starts,
the record of every run (``ScheduledRun``) and the RQ entry point that runs one. The registry of
periodic jobs (``@periodic``, ``JOB_MODULES``, ``job_connection``) is ``intranet.scheduling``.
"""

from ..features import Feature

FEATURE = Feature(
    models="intranet.jobs.models",
    jobs="intranet.jobs.scheduler",
)
