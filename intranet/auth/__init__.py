"""Sign-in, sessions and credentials (set password, password reset), and the admin's pages for
staff accounts."""

from ..features import Feature

FEATURE = Feature(
    views=("intranet.auth.views", "intranet.auth.user_admin"),
    models="intranet.auth.models",
    nav=(110, 70),
)
