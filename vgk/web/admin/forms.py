"""Administration forms. CSRF is checked for every POST; the accounts service validates the values."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField


class RoleForm(FlaskForm):
    role = StringField()
    pickup_point = StringField()


class StaffForm(FlaskForm):
    name = StringField()
    phone = StringField()
    email = StringField()
    password = PasswordField()
    pickup_point = StringField()
