from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from .recipients import is_valid_address


def _address(form, field):
    if not is_valid_address(field.data or ""):
        raise ValidationError(_l("Enter a valid e-mail address, e.g. nama@imigrasi.go.id."))


class TestMessageForm(FlaskForm):
    to = StringField(
        _l("Send a test e-mail to"),
        validators=[DataRequired(_l("Enter an e-mail address.")), Length(max=254), _address],
    )
