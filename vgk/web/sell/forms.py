"""Forms of the selling pages: presence and size only; the rules live in vgk.services.selling.listings."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, MultipleFileField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from vgk.labels import TABLES
from vgk.web.auth.forms import REQUIRED
from vgk.web.forms import Form


def condition_choices():
    return [SelectChoice(code, word) for code, word in TABLES["condition"].items()]


class ListingForm(Form):
    title = StringField(_l("Titre"), validators=[InputRequired(REQUIRED), Length(max=120)],
                        render_kw={"maxlength": 120, "autocomplete": "off"})
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)],
                                render_kw={"maxlength": 5000, "rows": 6})
    category = SelectField(_l("Catégorie"), validators=[InputRequired(REQUIRED)], validate_choice=False)
    condition = SelectField(_l("État"), choices=condition_choices, validators=[InputRequired(REQUIRED)])
    price = StringField(_l("Prix (FCFA)"), validators=[InputRequired(REQUIRED), Length(max=16)],
                        render_kw={"inputmode": "numeric", "maxlength": 16})
    negotiable = BooleanField(_l("Prix négociable"))
    city = SelectField(_l("Ville"), validators=[InputRequired(REQUIRED)], validate_choice=False)
    quantity = StringField(_l("Quantité"), default="1", validators=[InputRequired(REQUIRED), Length(max=2)],
                           render_kw={"inputmode": "numeric", "maxlength": 2, "size": 2})
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*"})

    def values(self):
        return dict(title=self.title.data, description=self.description.data or "", category=self.category.data,
                    condition=self.condition.data, price=self.price.data, negotiable=self.negotiable.data,
                    city=self.city.data, quantity=self.quantity.data)


class PhotosForm(Form):
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*"})


class ActionForm(Form):
    """A button that only needs its CSRF token."""


class ReviewForm(Form):
    rating = SelectField(_l("Note"), choices=[SelectChoice(str(n), f"{n}/5") for n in range(5, 0, -1)],
                         validators=[InputRequired(REQUIRED)])
    text = TextAreaField(_l("Commentaire (facultatif)"), validators=[Optional(), Length(max=1000)],
                         render_kw={"maxlength": 1000, "rows": 3})
