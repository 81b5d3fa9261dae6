"""Staff portal forms. CSRF is checked for every POST; formats and rules stay in the accounts service."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired

from vgk.web.forms import Form


class UnlockForm(Form):
    """Who is unlocking the tablet (a staff public id from the list) and their PIN."""

    user = StringField(validators=[InputRequired(message=_l("Choisissez votre nom dans la liste."))])
    pin = PasswordField(validators=[InputRequired(message=_l("Saisissez votre code PIN."))])


class PinForm(Form):
    """A new PIN, typed twice. Its format (6 digits, not too easy) is the service's rule."""

    current = PasswordField()
    pin = PasswordField(validators=[InputRequired(message=_l("Saisissez un code PIN de 6 chiffres."))])
    confirm = PasswordField(
        validators=[
            InputRequired(message=_l("Saisissez le code PIN une deuxième fois.")),
            EqualTo("pin", message=_l("Les deux codes PIN ne correspondent pas.")),
        ]
    )
