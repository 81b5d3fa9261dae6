"""“Improve my listing” for the app: a proposed title and description for what the seller typed, as on the
web's listing form (vgk.services.selling.proposals). Nothing is saved: the app shows the proposal and the
seller edits and sends their listing as usual."""
from flask_babel import get_locale

from vgk.api import bp
from vgk.api.base import api_client, body, current_api_user, ok, text
from vgk.api.openapi import envelope, operation
from vgk.models import Condition
from vgk.services.selling import listing_fields, proposals

STRING = {"type": "string"}


@bp.post("/client/listings/improve/")
@api_client
@operation(
    "Propose a better title and description for a listing", tag="client", errors=(404, 429),
    body={"type": "object", "required": ["title"], "properties": {
        "title": {"type": "string", "minLength": proposals.TITLE_MIN, "maxLength": listing_fields.TITLE_MAX},
        "description": {"type": "string", "maxLength": listing_fields.DESCRIPTION_MAX},
        "category": {"type": "string", "maxLength": 80, "description": "leaf category slug (or its numeric id)"},
        "condition": {"enum": list(Condition.ALL)},
        "product_id": {"type": "string", "maxLength": 16,
                       "description": "one of my listings: its first photo helps the proposal (404 if not mine)"},
    }},
    ok=envelope({"title": STRING, "description": STRING, "source": {"enum": ["rules", "gemini"]}}),
    description="In the seller's language (their account's, else `Accept-Language`), from what they typed: the "
                "language model when one is configured (within a few seconds), else the rules. Phone numbers and "
                "emails never leave for the model. Nothing is saved. At most ASSIST_PROPOSALS_PER_HOUR (10) a "
                "seller an hour, web and app together: then 429.",
)
def improve_listing():
    data = body()
    title = text(data, "title", required=True, max_length=listing_fields.TITLE_MAX)
    description = text(data, "description", max_length=listing_fields.DESCRIPTION_MAX)
    category = text(data, "category", max_length=80)
    condition = text(data, "condition", max_length=16)
    product_id = text(data, "product_id", max_length=16)
    proposal = proposals.propose(current_api_user(), title, category or "", condition or "", description or "",
                                 str(get_locale() or "fr"), listing=product_id)
    return ok(title=proposal.title, description=proposal.description, source=proposal.source)
