from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..auth.passwords import password_problem
from .recipients import is_valid_address


def _address(form, field):
    if not is_valid_address(field.data or ""):
        raise ValidationError(_l("Enter a valid e-mail address, e.g. nama@imigrasi.go.id."))


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254), _address],
    )


class ResetPasswordForm(FlaskForm):
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), Length(max=200)],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("new", _l("The two new passwords do not match."))],
    )

    def validate_new(self, field):
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)


class TestMessageForm(FlaskForm):
    to = StringField(
        _l("Send a test e-mail to"),
        validators=[DataRequired(_l("Enter an e-mail address.")), Length(max=254), _address],
    )
