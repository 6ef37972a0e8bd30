"""Pay-run kinds and pay-line components (DESIGN §9).

Each component is an earning (adds to the net) or a deduction (subtracts from it). Amounts are
stored positive, in whole rupiah; the component's side gives the sign. Imports name a component
by its code or by its Indonesian or English name, so a spreadsheet from the finance office's
usual tools (which write "Gaji Pokok", "IWP 10%") is accepted as it is.
"""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

EARNING = "earning"
DEDUCTION = "deduction"


@dataclass(frozen=True)
class Component:
    code: str
    side: str
    label: object  # lazy string: English id, Indonesian in the catalog
    aliases: tuple = ()

    @property
    def is_deduction(self):
        return self.side == DEDUCTION


COMPONENTS = [
    Component("gaji_pokok", EARNING, _l("Base salary"), ("gaji pokok", "gapok", "base salary")),
    Component(
        "tunjangan_keluarga",
        EARNING,
        _l("Family allowance"),
        (
            "tunjangan keluarga",
            "tunjangan suami/istri dan anak",
            "family allowance",
            "tunjangan istri/suami",
            "tunjangan anak",
        ),
    ),
    Component(
        "tunjangan_umum", EARNING, _l("General allowance"), ("tunjangan umum", "general allowance")
    ),
    Component(
        "tunjangan_jabatan",
        EARNING,
        _l("Position allowance"),
        ("tunjangan jabatan", "tunjangan fungsional", "tunjangan struktural", "position allowance"),
    ),
    Component(
        "tunjangan_beras", EARNING, _l("Rice allowance"), ("tunjangan beras", "rice allowance")
    ),
    Component("uang_makan", EARNING, _l("Meal allowance"), ("uang makan", "meal allowance")),
    Component(
        "tunjangan_kinerja",
        EARNING,
        _l("Performance allowance"),
        ("tunjangan kinerja", "tukin", "performance allowance"),
    ),
    Component(
        "transport",
        EARNING,
        _l("Transport allowance"),
        ("uang transport", "transport allowance", "transportasi"),
    ),
    Component("insentif", EARNING, _l("Incentive"), ("incentive",)),
    Component(
        "penghasilan_lain",
        EARNING,
        _l("Other earnings"),
        ("penghasilan lain", "other earnings", "lain-lain"),
    ),
    Component(
        "iwp",
        DEDUCTION,
        _l("Mandatory contribution (IWP)"),
        ("iwp 10%", "iuran wajib pegawai", "iwp 10 %"),
    ),
    Component(
        "bpjs_kesehatan",
        DEDUCTION,
        _l("BPJS Health contribution"),
        ("bpjs kesehatan", "bpjs kesehatan 1%", "bpjs"),
    ),
    Component(
        "pph21", DEDUCTION, _l("Income tax (PPh 21)"), ("pph 21", "pph pasal 21", "income tax")
    ),
    Component(
        "potongan_lain",
        DEDUCTION,
        _l("Other deductions"),
        ("potongan lain", "potongan", "other deductions"),
    ),
]

BY_CODE = {c.code: c for c in COMPONENTS}
ORDER = {c.code: i for i, c in enumerate(COMPONENTS)}


def _norm(text):
    return re.sub(r"[\s_\-]+", " ", str(text or "").strip().lower())


_LOOKUP = {}
for _c in COMPONENTS:
    for _name in (_c.code, *_c.aliases):
        _LOOKUP[_norm(_name)] = _c.code


def find_component(name):
    """The component code for a name as finance writes it, or None."""
    key = _norm(name)
    if key in _LOOKUP:
        return _LOOKUP[key]
    # The English and Indonesian labels, as shown in either language.
    for c in COMPONENTS:
        if key == _norm(c.label):
            return c.code
    return None


def component_label(code):
    c = BY_CODE.get(code)
    return c.label if c is not None else code


def signed(code, amount):
    """The amount's effect on the net."""
    return -amount if BY_CODE[code].is_deduction else amount


def sort_key(code):
    return ORDER.get(code, len(ORDER))


# ----- run kinds -------------------------------------------------------------------------------

KINDS = [
    ("gaji", _l("Salary (gaji)")),
    ("tunjangan_kinerja", _l("Performance allowance (tunjangan kinerja)")),
    ("transport", _l("Transport costs")),
    ("insentif", _l("Incentive (insentif)")),
    ("lainnya", _l("Other (named by finance)")),
]
KIND_LABELS = dict(KINDS)
OTHER_KIND = "lainnya"
