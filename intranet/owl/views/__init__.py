"""Si Owl's pages, one blueprint (``blueprint.py``: ``bp``, ``NAV`` and what the pages share)
and a module per part: the overview, the registry (permits and foreigners), applications,
overstay, compliance, disruption notices, settings, and the public status page with its JSON
twin. Views parse, call a service, render."""

from .blueprint import NAV, NAV_GROUP, bp  # noqa: F401

# In the order the routes were always declared (the URL map lists them so).
# isort: off
from . import overview  # noqa: F401
from . import registry  # noqa: F401
from . import applications  # noqa: F401
from . import overstay  # noqa: F401
from . import compliance  # noqa: F401
from . import disruptions  # noqa: F401
from . import settings  # noqa: F401
from . import public  # noqa: F401
from . import api  # noqa: F401

# isort: on
