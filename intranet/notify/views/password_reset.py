"""The public password-reset pages, as they were in notify's views: they move to auth (issue
16), and this module goes with the merge."""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.sessions import end_current_session
from ...core.responses import redirect_to, render, render_invalid
from ...policy import public
from .. import password_reset
from ..forms import ForgotPasswordForm, ResetPasswordForm
from .blueprint import bp

# ----- password reset (public) -------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data, ip=request.remote_addr or "")
        flash(
            _(
                "If an active account uses that address, a link to choose a new password is on "
                "its way. It works once, for %(minutes)d minutes.",
                minutes=password_reset.TOKEN_MINUTES,
            ),
            "info",
        )
        return redirect_to(url_for("auth.login"))
    if request.method == "POST":
        return render_invalid("notify/forgot_password.html", form=form)
    return render("notify/forgot_password.html", form=form)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    if password_reset.valid_token(token) is None:
        return _no_store(render("notify/reset_password.html", form=None, token=token, _status=404))
    form = ResetPasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            user = password_reset.reset_password(token, form.new.data)
        except password_reset.ResetError as exc:
            error = str(exc)
        else:
            if current_user.is_authenticated and current_user.id == user.id:
                end_current_session()
            flash(_("Your password was changed. Sign in with the new password."), "success")
            return redirect_to(url_for("auth.login"))
    if request.method == "POST":
        return _no_store(
            render_invalid("notify/reset_password.html", form=form, token=token, error=error)
        )
    return _no_store(render("notify/reset_password.html", form=form, token=token))
