"""Administration forms. CSRF is checked for every POST; the accounts service validates the values."""
from wtforms import PasswordField, StringField

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
