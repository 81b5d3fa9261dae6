"""Administration forms. CSRF is checked for every POST; the accounts service validates the values."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length

from vgk.web.forms import Form


class RoleForm(Form):
    role = StringField()
    pickup_point = StringField()


class StaffForm(Form):
    name = StringField()
    phone = StringField()
    email = StringField()
    password = PasswordField()
    pickup_point = StringField()


class SettleForm(Form):
    """Deal with a reported conversation (hidden message ids and the action come as plain fields)."""


class GroupForm(Form):
    title = StringField(_l("Nom du groupe"), validators=[Length(max=120)], render_kw={"maxlength": 120})
    members = TextAreaField(_l("Membres : un téléphone ou un email par ligne"), validators=[Length(max=5000)],
                            render_kw={"rows": 6})
