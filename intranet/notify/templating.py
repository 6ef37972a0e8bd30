"""What notify installs app-wide: the names its templates (and the audit log's) use for
statuses, jobs, outcomes, kinds and objects, and the dead-mail alert before every page."""

from ..audit.labels import object_label
from . import labels as notify_labels
from .alerts import alert_dead_messages


def _labels():
    return {
        "outbox_status_labels": notify_labels.STATUS_LABELS,
        "run_status_labels": notify_labels.RUN_STATUS_LABELS,
        "job_label": notify_labels.job_label,
        "describe_outcome": notify_labels.describe,
        "kind_label": notify_labels.kind_label,
        "object_label": object_label,
    }


def register(app):
    app.context_processor(_labels)
    app.before_request(alert_dead_messages)
