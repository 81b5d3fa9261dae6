"""Forms of the account pages: presence and size only; the rules live in vgk.services.accounts."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from vgk.web.auth.forms import REQUIRED, code_field, new_password_fields, phone_field
from vgk.web.forms import Form


class ProfileForm(Form):
    name = StringField(_l("Nom et prénom"), validators=[InputRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name", "maxlength": 120})
    city = SelectField(_l("Ville"), choices=[], validate_choice=False)
    locale = SelectField(_l("Langue"), choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")])


class NewPhoneForm(Form):
    phone = phone_field(_l("Nouveau numéro"))


class CodeForm(Form):
    code = code_field(_l("Code reçu par SMS"))


class PasswordForm(Form):
    # Required unless the account has no password yet (created with Google): the service decides.
    current_password = PasswordField(
        _l("Mot de passe actuel"), validators=[Length(max=200)],
        render_kw={"autocomplete": "current-password", "maxlength": 200},
    )
    password, confirm = new_password_fields()


class TotpForm(Form):
    code = code_field(_l("Code à 6 chiffres affiché par l'application"))


class DeleteForm(Form):
    password = PasswordField(_l("Votre mot de passe"), validators=[Length(max=200)],
                             render_kw={"autocomplete": "current-password", "maxlength": 200})
    confirm = BooleanField(
        _l("Je comprends que la suppression est définitive."),
        validators=[InputRequired(_l("Cochez la case pour confirmer."))],
    )


class ReauthForm(Form):
    """The password again (or, for an account without one, a second factor); the service decides which."""
    password = PasswordField(_l("Votre mot de passe"), validators=[Length(max=200)],
                             render_kw={"autocomplete": "current-password", "maxlength": 200})
    code = code_field(_l("Code de confirmation ou code de secours"))
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only one of the two is shown; the other must not block the form.
        self.code.validators = [Length(max=20)]
