"""Forms of the shop pages: presence and size only; prices, fees and the rules live in the services
(cart, checkout, payments, orders, wallet). No form has a price field: amounts come from the server."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from vgk.labels import TABLES
from vgk.models import Fulfilment, PaymentMethod
from vgk.web.auth.forms import REQUIRED, code_field, phone_field
from vgk.web.forms import Form


def payment_choices(with_cash=True):
    methods = PaymentMethod.ALL if with_cash else PaymentMethod.ONLINE
    return [SelectChoice(code, TABLES["payment_method"][code]) for code in methods]


class ActionForm(Form):
    """A button that only needs its CSRF token (remove, check the payment...)."""


class AddToCartForm(Form):
    product = HiddenField(validators=[InputRequired(REQUIRED), Length(max=16)])
    quantity = StringField(_l("Quantité"), default="1", validators=[Optional(), Length(max=3)],
                           render_kw={"inputmode": "numeric", "maxlength": 3})


class QuantityForm(Form):
    quantity = StringField(_l("Quantité"), validators=[InputRequired(REQUIRED), Length(max=3)],
                           render_kw={"inputmode": "numeric", "maxlength": 3, "size": 2})


class CheckoutForm(Form):
    name = StringField(_l("Nom et prénom"), validators=[InputRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name", "maxlength": 120})
    phone = phone_field(_l("Téléphone"))
    email = StringField(_l("Email (facultatif)"), validators=[Optional(), Length(max=255)],
                        render_kw={"type": "email", "autocomplete": "email", "maxlength": 255})
    fulfilment = RadioField(_l("Réception"), default=Fulfilment.PICKUP, validate_choice=False, choices=[
        SelectChoice(code, word) for code, word in TABLES["fulfilment"].items()
    ])
    pickup_point_id = SelectField(_l("Point relais"), choices=[], validate_choice=False)
    delivery_city_id = SelectField(_l("Ville de livraison"), choices=[], validate_choice=False)
    delivery_address = StringField(_l("Adresse de livraison"), validators=[Length(max=255)],
                                   render_kw={"autocomplete": "street-address", "maxlength": 255,
                                              "placeholder": _l("Quartier, rue, repère")})
    payment_method = RadioField(_l("Paiement"), choices=payment_choices(), validate_choice=False,
                                validators=[InputRequired(_l("Choisissez un moyen de paiement."))])


class PayForm(Form):
    payment_method = RadioField(_l("Paiement"), choices=payment_choices(with_cash=False),
                                default=PaymentMethod.MTN_MOMO, validate_choice=False,
                                validators=[InputRequired(_l("Choisissez un moyen de paiement."))])
    phone = phone_field(_l("Numéro Mobile Money"))


class ConfirmPhoneForm(Form):
    code = code_field(_l("Code reçu par SMS"))


class TrackForm(Form):
    reference = StringField(_l("Référence de la commande"), validators=[InputRequired(REQUIRED), Length(max=16)],
                            render_kw={"placeholder": "VGK-XXXXXXX", "autocapitalize": "characters", "maxlength": 16})
    phone = phone_field(_l("Téléphone donné à la commande"))


class SimulatorForm(Form):
    decision = HiddenField()


class PayoutForm(Form):
    amount = StringField(_l("Montant (FCFA)"), validators=[InputRequired(REQUIRED), Length(max=12)],
                         render_kw={"inputmode": "numeric", "maxlength": 12})
    phone = phone_field(_l("Numéro Mobile Money"))
