from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .passwords import password_problem


class LoginForm(FlaskForm):
    login = StringField(
        _l("NIP or e-mail"),
        validators=[DataRequired(_l("Enter your NIP or e-mail.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
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
