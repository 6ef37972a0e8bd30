"""Who is acting: the signed-in user, as a model instance a service can be given.

Services never read ``current_user`` themselves; a view passes ``actor=actor()``, a job passes
``None`` (the system) or the user it was asked for by.
"""

from flask_login import current_user


def actor():
    """The signed-in user (a ``User`` row), or None outside a signed-in request."""
    user = current_user._get_current_object() if current_user else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None
