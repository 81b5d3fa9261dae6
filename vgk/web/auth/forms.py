"""Forms of the sign-up, sign-in and password-reset pages. They check presence and size only:
the rules (what a valid number or a strong password is) live in vgk.services.accounts."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from vgk.web.forms import Form

REQUIRED = _l("Ce champ est obligatoire.")


def city_choices(cities, empty_label):
    return [SelectChoice("", empty_label)] + [SelectChoice(city.slug, city.name) for city in cities]


def code_field(label=None):
    return StringField(
        label or _l("Code reçu"),
        validators=[InputRequired(REQUIRED), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 20,
                   "autocapitalize": "off", "spellcheck": "false"},
    )


def new_password_field(label=None):
    """A password being chosen (the length rule itself is the service's; the browser hints at it)."""
    return PasswordField(
        label or _l("Nouveau mot de passe"),
        validators=[InputRequired(REQUIRED), Length(max=200)],
        render_kw={"autocomplete": "new-password", "minlength": 8, "maxlength": 200},
    )


def new_password_fields():
    password = new_password_field()
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[InputRequired(REQUIRED), EqualTo("password", _l("Les deux mots de passe ne sont pas identiques."))],
        render_kw={"autocomplete": "new-password", "maxlength": 200},
    )
    return password, confirm


def phone_field(label=None):
    return StringField(
        label or _l("Téléphone"),
        validators=[InputRequired(REQUIRED), Length(max=32)],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel-national", "placeholder": "6XX XX XX XX",
                   "maxlength": 32},
    )


class SignUpForm(Form):
    name = StringField(_l("Nom et prénom"), validators=[InputRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name", "maxlength": 120})
    phone = phone_field()
    email = StringField(_l("Email (facultatif)"), validators=[Optional(), Length(max=255)],
                        render_kw={"type": "email", "inputmode": "email", "autocomplete": "email", "maxlength": 255})
    city = SelectField(_l("Ville"), choices=[], validate_choice=False)
    password = new_password_field(_l("Mot de passe"))
    accept_terms = BooleanField(
        _l("J'accepte les conditions d'utilisation"),
        validators=[InputRequired(_l("Acceptez les conditions d'utilisation pour créer un compte."))],
    )


class CodeForm(Form):
    code = code_field()


class LoginForm(Form):
    identifier = StringField(
        _l("Téléphone ou email"),
        validators=[InputRequired(REQUIRED), Length(max=255)],
        render_kw={"autocomplete": "username", "autocapitalize": "off", "spellcheck": "false", "maxlength": 255},
    )
    password = PasswordField(_l("Mot de passe"), validators=[InputRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "current-password", "maxlength": 200})
    remember = BooleanField(_l("Se souvenir de moi"))
    next = HiddenField()


class SecondFactorForm(Form):
    code = code_field(_l("Code de connexion ou code de secours"))


class ForgotPasswordForm(Form):
    identifier = StringField(
        _l("Téléphone ou email"),
        validators=[InputRequired(REQUIRED), Length(max=255)],
        render_kw={"autocomplete": "username", "autocapitalize": "off", "spellcheck": "false", "maxlength": 255},
    )


class ResetWithCodeForm(Form):
    phone = phone_field()
    code = code_field(_l("Code reçu par SMS"))
    password, confirm = new_password_fields()


class ResetWithLinkForm(Form):
    password, confirm = new_password_fields()
