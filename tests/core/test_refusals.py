"""One refusal type: its message reaches the page escaped, by its field or in the flash area."""

from flask import get_flashed_messages, render_template_string
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Form, StringField

from intranet.core.refusals import Refusal, act, put_on_form

TYPED = "<b>x'"


class _Form(Form):
    number = StringField()


def test_a_lazy_message_with_typed_text_is_escaped(app):
    """Flask-Babel's lazy strings call themselves safe HTML; a refusal keeps the text only."""
    with app.test_request_context("/"):
        exc = Refusal(_l("No ticket %(number)s was issued today.", number=TYPED), field="number")
        form = put_on_form(_Form(), exc)
        html = render_template_string("{{ form.number.errors[0] }}", form=form)
        assert "<b>" not in html and "&lt;b&gt;" in html
        assert str(exc) == exc.message


def test_act_flashes_the_refusal_and_its_details_and_goes_back(app):
    def refuse():
        raise Refusal(_l("Refused %(what)s.", what=TYPED), details=["row 4: " + TYPED])

    with app.test_request_context("/", method="POST"):
        response = act(refuse, back="/back", success="never")
        assert response.status_code == 303 and response.headers["Location"] == "/back"
        flashed = get_flashed_messages(with_categories=True)
        assert [c for c, _m in flashed] == ["danger", "danger"]
        html = render_template_string(
            "{% for m in ms %}{{ m }}{% endfor %}", ms=[m for _c, m in flashed]
        )
        assert "<b>" not in html


def test_act_on_success_flashes_and_goes_on(app):
    with app.test_request_context("/", method="POST"):
        response = act(
            lambda: 7, back="/back", success=lambda n: f"{n} done", done=lambda n: f"/n/{n}"
        )
        assert response.headers["Location"] == "/n/7"
        assert get_flashed_messages(with_categories=True) == [("success", "7 done")]


def test_deliberate_markup_stays_markup(app):
    with app.test_request_context("/"):
        exc = Refusal(Markup("See <a href='/help'>help</a>."))
        assert isinstance(exc.message, Markup)
        exc = put_on_form(_Form(), Refusal("Whole form."))
        assert exc.form_errors == ["Whole form."]
