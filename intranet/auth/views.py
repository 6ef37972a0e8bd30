"""Signing in and out, changing one's password, and the password reset by e-mail (public)."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.actor import actor
from ..core.navigation import ACCOUNT
from ..core.responses import redirect_to, render, render_invalid
from ..policy import SIGNED_IN, public, roles
from . import password_reset, services
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm
from .sessions import end_current_session

bp = Blueprint("auth", __name__)

NAV_GROUP = ACCOUNT
NAV = [("auth.change_password", _l("Change password"))]


def safe_next(target):
    """Only paths on this site: no scheme, no host, no protocol-relative //host, and no control
    character (a CR/LF would make the Location header invalid, and browsers drop tabs and
    line breaks from URLs, which can turn "/\t/host" into "//host")."""
    if not target:
        return None
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        try:
            services.sign_in(form.login.data, form.password.data, request.remote_addr)
        except services.SignInError as exc:
            error = str(exc)
        else:
            return redirect_to(safe_next(form.next.data) or url_for("core.home"))
    if request.method == "POST":
        return render_invalid("auth/login.html", form=form, error=error)
    return render("auth/login.html", form=form, error=error)


@bp.post("/logout")
@roles(SIGNED_IN)
def logout():
    services.sign_out(actor())
    flash(_("You have signed out."), "success")
    return redirect_to(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            services.change_password(actor(), form.current.data, form.new.data)
        except services.SignInError as exc:
            error = str(exc)
        else:
            flash(_("Your password was changed. Sign in again with the new password."), "success")
            return redirect_to(url_for("auth.login"))
    if request.method == "POST":
        return render_invalid("auth/change_password.html", form=form, error=error)
    return render("auth/change_password.html", form=form, error=error)


# ----- password reset by e-mail (public) ---------------------------------------------------------


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
