"""One way to say "no": the refusal every feature's errors subclass, and the two ways a view
answers one.

A service refuses a change by raising a ``Refusal`` (or a feature's subclass of it) before it
writes anything:

    raise OwlError(_("That passport number is already registered."), field="passport_number")
    raise PayError(_("3 rows could not be read."), details=["row 4: …", …])
    raise StepRefused(_("The ticket was already called."), code="stale", status=409)

``message`` is for people (translated), ``field`` names the form field it belongs to (or None for
the whole form), ``details`` is a list of further lines (a file's bad rows), ``status`` the HTTP
status a fragment answer carries, ``code`` a stable word for programs and tests. ``str(exc)`` is
the message.

A view answers a refusal in one of two ways:

- a button that acts and goes back (``act``): the message is flashed and the browser goes back
  to the page it came from (a 303, or ``HX-Redirect`` for htmx);
- a form page (``refuse_form``): the form is re-rendered with what was typed, the message by
  its field, status 422 (DESIGN §5: the typing is never lost).
"""

from flask import flash
from flask_babel.speaklater import LazyString
from markupsafe import escape

from .responses import redirect_to, render_invalid


class Refusal(Exception):
    """A business rule refused the change; nothing was written."""

    status = 422
    code = "refused"

    def __init__(self, message, *, field=None, details=(), status=None, code=None):
        super().__init__(str(message))
        self.message = _plain(message)
        self.field = field
        self.details = [_plain(line) for line in details]
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code

    def __str__(self):
        return str(self.message)


class _EscapedLazyString(LazyString):
    """A lazy translation that is text, not markup: Flask-Babel's lazy strings declare
    themselves safe HTML (``__html__`` returns the text as it is), so a message with a typed
    value in it (``_l("No ticket %(n)s", n=typed)``) would reach the page unescaped. This one
    is escaped like any string, and still translated when shown (in the language of the page
    that shows it)."""

    def __html__(self):
        return escape(str(self))


def _plain(text):
    """``text`` with a lazy translation made an escaped one; ``Markup`` (deliberate markup)
    and plain strings stay as they are."""
    if isinstance(text, LazyString) and not isinstance(text, _EscapedLazyString):
        return _EscapedLazyString(text._func, *text._args, **text._kwargs)
    return text


def act(action, *, back, success=None, done=None):
    """Run ``action()``; on a ``Refusal`` flash its message and go ``back``; else flash
    ``success`` (a text, or a function of the action's result) and go to ``done`` (a URL, or a
    function of the result; ``back`` when None).

        return act(lambda: services.cancel(permit, reason, actor=current_user),
                   back=url_for("owl.show_foreigner", foreigner_id=permit.foreigner_id),
                   success=_("The permit was cancelled."))
    """
    try:
        result = action()
    except Refusal as exc:
        flash(exc.message, "danger")
        for line in exc.details:
            flash(line, "danger")
        return redirect_to(back)
    if success is not None:
        flash(success(result) if callable(success) else success, "success")
    target = done(result) if callable(done) else done
    return redirect_to(target or back)


def put_on_form(form, exc, default_field=None):
    """Show a refusal on ``form``: by ``exc.field`` (or ``default_field``) when the form has that
    field, else among the form's own errors (``form.form_errors``, shown above its fields)."""
    name = exc.field or default_field
    field = getattr(form, name, None) if name else None
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(exc.message)
        field.errors.extend(exc.details)
    else:
        form.form_errors.append(exc.message)
        form.form_errors.extend(exc.details)
    return form


def refuse_form(template, form, exc, *, default_field=None, **context):
    """Re-render a form page with the refusal by its field and status 422."""
    put_on_form(form, exc, default_field)
    return render_invalid(template, form=form, **context)
