"""Forms of the conversation pages: presence and size only; the rules live in vgk.services.conversations."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from vgk.web.forms import Form


class ActionForm(Form):
    """A button that only needs its CSRF token."""


class MessageForm(Form):
    body = TextAreaField(_l("Votre message"), validators=[Length(max=2000)],
                         render_kw={"rows": 2, "maxlength": 2000, "enterkeyhint": "send"})


class PhotoForm(Form):
    photo = FileField(_l("Photo"), render_kw={"accept": "image/*"})


class AmountForm(Form):
    amount = StringField(_l("Prix proposé (FCFA)"), validators=[Length(max=12)],
                         render_kw={"inputmode": "numeric", "maxlength": 12, "size": 8})


class ReportForm(Form):
    reason = StringField(_l("Pourquoi ?"), validators=[Length(max=500)], render_kw={"maxlength": 500})
