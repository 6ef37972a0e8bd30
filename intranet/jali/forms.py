"""The registration form (one form, three categories) and Si Jali's settings form."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..people.models import Unit, User
from . import identity
from .identity import IdentityError
from .models import CATEGORIES, OFFICIAL, WNA, WNI
from .services import VisitInput
from .settings import STICKER_LIMITS, purposes

CATEGORY_LABELS = {
    WNI: _l("WNI applicant"),
    WNA: _l("WNA applicant"),
    OFFICIAL: _l("Official guest"),
}
# The word printed on the sticker next to the colour (colour is never the only signal).
CATEGORY_WORDS = {WNI: _l("WNI"), WNA: _l("WNA"), OFFICIAL: _l("OFFICIAL GUEST")}
ID_LABELS = {
    WNI: _l("NIK (16 digits)"),
    WNA: _l("Passport number"),
    OFFICIAL: _l("Identity number (optional)"),
}


class CleanForm(FlaskForm):
    """Text fields arrive without control characters (a pasted NUL would otherwise reach the
    database, which PostgreSQL refuses)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            if isinstance(field, StringField) and isinstance(field.data, str):
                field.data = identity.clean_text(
                    field.data, keep_newlines=isinstance(field, TextAreaField)
                )


class VisitForm(CleanForm):
    category = RadioField(
        _l("Category"),
        choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES],
        default=WNI,
        validators=[DataRequired(_l("Choose the visitor's category."))],
    )
    id_number = StringField(_l("Identity number"), validators=[Length(max=40)])
    nationality = SelectField(_l("Nationality"), validate_choice=False)
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("The visitor's name is required.")), Length(max=200)],
    )
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    purpose = SelectField(_l("Purpose of visit"), validate_choice=False)
    host_q = StringField(_l("Host employee"), validators=[Optional(), Length(max=100)])
    host_id = IntegerField(_l("Host employee"), validators=[Optional()])
    host_unit = SelectField(_l("Host unit"), coerce=int, validate_choice=False, default=0)
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.purposes = purposes()
        locale = str(get_locale() or "id")
        self.nationality.choices = [("", "—")] + identity.nationality_choices(locale)
        self.host_unit.choices = [(0, "—")] + [
            (u.id, u.name) for u in Unit.select().order_by(Unit.name)
        ]
        self.cleaned = None
        self.host = None

    def _fail(self, field, message):
        field.errors = list(field.errors) + [message]
        return False

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        category = self.category.data
        if category not in CATEGORIES:
            return False
        id_number = None
        nationality = ""
        try:
            if category == WNI:
                id_number = identity.validate_nik(self.id_number.data, today=self.today)
                nationality = "ID"
            elif category == WNA:
                id_number = identity.validate_passport(self.id_number.data)
            else:
                id_number = identity.validate_other_id(self.id_number.data)
        except IdentityError as exc:
            ok = self._fail(self.id_number, str(exc))
        if category == WNA:
            try:
                nationality = identity.validate_nationality(self.nationality.data)
            except IdentityError as exc:
                ok = self._fail(self.nationality, str(exc))
        phone = ""
        try:
            phone = identity.validate_phone(self.phone.data)
        except IdentityError as exc:
            ok = self._fail(self.phone, str(exc))
        if self.purpose.data not in self.purposes[category]:
            ok = self._fail(self.purpose, _l("Choose a purpose listed for this category."))
        institution = (self.institution.data or "").strip()
        host_id, unit_id = None, None
        if category == OFFICIAL:
            if not institution:
                ok = self._fail(
                    self.institution, _l("An official guest's institution is required.")
                )
            if self.host_id.data and identity.row_id(self.host_id.data) is None:
                ok = self._fail(self.host_q, _l("Choose the host from the search results."))
            elif self.host_id.data:
                self.host = User.get_or_none(
                    User.id == self.host_id.data,
                    User.is_active == True,  # noqa: E712
                )
                if self.host is None:
                    ok = self._fail(self.host_q, _l("Choose the host from the search results."))
                else:
                    host_id = self.host.id
            if self.host_unit.data:
                unit_id = identity.row_id(self.host_unit.data)
                if unit_id is None or Unit.get_or_none(Unit.id == unit_id) is None:
                    ok = self._fail(self.host_unit, _l("Choose a unit from the list."))
                else:
                    unit_id = self.host_unit.data
            if host_id is None and unit_id is None and not self.host_q.errors:
                ok = self._fail(
                    self.host_q, _l("Choose the host employee, or the unit the guest visits.")
                )
        else:
            institution = ""
        if ok:
            self.cleaned = VisitInput(
                category=category,
                name=" ".join(self.name.data.split()),
                purpose=self.purpose.data,
                id_number=id_number,
                nationality=nationality,
                institution=institution,
                phone=phone,
                host_id=host_id,
                host_unit_id=unit_id,
            )
        return ok


class SettingsForm(CleanForm):
    purposes_wni = TextAreaField(_l("Purposes of WNI applicants"))
    purposes_wna = TextAreaField(_l("Purposes of WNA applicants"))
    purposes_official = TextAreaField(_l("Purposes of official guests"))
    sticker_width = IntegerField(
        _l("Sticker width (mm)"),
        validators=[
            DataRequired(_l("Give the sticker width in millimetres.")),
            NumberRange(*STICKER_LIMITS, message=_l("Between %(min)s and %(max)s mm.")),
        ],
    )
    sticker_height = IntegerField(
        _l("Sticker height (mm)"),
        validators=[
            DataRequired(_l("Give the sticker height in millimetres.")),
            NumberRange(*STICKER_LIMITS, message=_l("Between %(min)s and %(max)s mm.")),
        ],
    )
    closing_time = StringField(
        _l("Closing time (WIB)"),
        validators=[
            DataRequired(_l("Give the closing time, e.g. 17:00.")),
            Regexp(
                r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Write the time as HH:MM, e.g. 17:00.")
            ),
        ],
    )

    def purpose_lists(self):
        return {
            WNI: _lines(self.purposes_wni.data),
            WNA: _lines(self.purposes_wna.data),
            OFFICIAL: _lines(self.purposes_official.data),
        }

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for field in (self.purposes_wni, self.purposes_wna, self.purposes_official):
            lines = _lines(field.data)
            if not lines:
                field.errors = list(field.errors) + [_l("List at least one purpose, one a line.")]
                ok = False
            elif any(len(line) > 200 for line in lines):
                field.errors = list(field.errors) + [_l("A purpose has at most 200 characters.")]
                ok = False
            elif len(lines) > 40:
                field.errors = list(field.errors) + [_l("At most 40 purposes per category.")]
                ok = False
        return ok


def _lines(text):
    seen = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line and line not in seen:
            seen.append(line)
    return seen
