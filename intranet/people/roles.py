"""The roles of the office (DESIGN §2): their codes, in the order admins see them, and what each
is called wherever one is shown (badges, the user admin, the audit log).

A module of its own so that what decides access (``intranet.policy``) and what shows a role
(labels, forms) need nothing else of the directory."""

from flask_babel import lazy_gettext as _l

# Roles of DESIGN §2, in the order they are listed to admins.
ROLES = (
    "pegawai",
    "atasan",
    "loket",
    "keuangan",
    "resepsionis",
    "izin_tinggal",
    "inteldakim",
    "kepala",
    "admin",
)

# What a role is called wherever one is shown (badges, the user admin, the audit log).
ROLE_LABELS = {
    "pegawai": _l("Employee"),
    "atasan": _l("Supervisor"),
    "loket": _l("Counter officer"),
    "keuangan": _l("Finance"),
    "resepsionis": _l("Receptionist"),
    "izin_tinggal": _l("Permit officer"),
    "inteldakim": _l("Intelligence & enforcement"),
    "kepala": _l("Head of office"),
    "admin": _l("Administrator"),
}
