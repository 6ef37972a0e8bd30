"""Si Emak: pay runs and e-mailed pay notices for every employee (DESIGN §3, issue 5)."""

from ..features import Feature

FEATURE = Feature(
    views="intranet.emak.views",
    models="intranet.emak.models",
    jobs="intranet.emak.jobs",
    demo="intranet.emak.demo",
    templating="intranet.emak.templating",
    inbox="intranet.emak.inbox",
    nav=40,
)
