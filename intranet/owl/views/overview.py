"""Si Owl's overview: the figures of the parts the user reads, and the disruption notices."""

from ...core.actor import actor
from ...core.responses import render
from ...policy import roles
from .. import queries
from ..dates import wib_today
from ..services.disruptions import current_disruptions
from .blueprint import OVERSTAY_READ, OWL_ANY, REGISTRY_READ, bp


@bp.get("/")
@roles(*OWL_ANY)
def dashboard():
    today = wib_today()
    user = actor()
    figures = {}
    if user.has_role(*REGISTRY_READ):
        figures.update(queries.registry_overview(today, user.id))
    if user.has_role(*OVERSTAY_READ):
        figures.update(queries.overstay_overview(today))
    disruptions = current_disruptions()
    return render("owl/dashboard.html", figures=figures, today=today, disruptions=disruptions)
