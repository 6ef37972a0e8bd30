"""The admin's user list over the benchmark's staff (the foundation's own list page)."""

DEFAULT_SIZE = None  # uses the runner's staff; nothing extra to insert


def populate(size, people):
    return [("people_user_list", "/admin/users/?q=a", "admin")]
