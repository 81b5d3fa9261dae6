"""What the model (or, without one, the rules) judged, stored for the people who read it: the risk of a
listing waiting for moderation, the feeling of a review and of a reported conversation, and their summaries
(a seller's public page, the admins' pages).

The judging happens in jobs (vgk.jobs), never in a page: `listings_submitted`, `review_posted` and
`conversation_reported` enqueue them after their caller's commit. Jobs take ids and are idempotent: each
judges the current text again and overwrites what was stored. Labels and reasons are stored as keys
(assist.FEELING_REASONS, assist.RISK_REASONS) and written out in the reader's language by vgk.labels."""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select, update

from vgk.extensions import db
from vgk.jobs import enqueue
from vgk.models import ChatMessage, Conversation, ConversationMember, MessageKind, Product, ProductStatus, Review
from vgk.services.selling import assist, moderation

log = logging.getLogger(__name__)

FEELINGS = ("positive", "neutral", "negative")
CHAT_MESSAGES_READ = 30  # the most recent text messages of a reported conversation are what is judged
SUMMARY_ROWS = 500  # a summary reads at most this many of the latest judgements


def _reasons(keys: Iterable[str]) -> str:
    return " ".join(keys)[:120]


# --- a listing's risk -------------------------------------------------------------------------------

def listings_submitted(product_ids: Iterable[int]) -> None:
    """After the commit that sent listings to moderation (or changed one waiting): judge each in a job."""
    for product_id in dict.fromkeys(product_ids):
        enqueue(judge_listing, product_id)


def judge_listing(product_id: int) -> None:
    """Job: the risk of a listing waiting for moderation, with its reasons; nothing for any other."""
    product = db.session.get(Product, product_id)
    if product is None or product.status != ProductStatus.PENDING:
        return
    found = assist.risk(product.title, product.category.name_fr if product.category else "", product.price,
                        product.description or "", moderation.flag_list(product))
    # The listing's own "updated" time stays: judging it is not the seller changing it.
    db.session.execute(update(Product).where(Product.id == product.id).values(
        risk_score=found.score, risk_reasons=_reasons(found.reasons), updated_at=Product.updated_at))
    db.session.commit()
    log.info("listing %s: risk %s (%s)", product.public_id, found.score, found.source)


# --- feelings ---------------------------------------------------------------------------------------

def review_posted(review_ids: Iterable[int]) -> None:
    """After the commit that stored reviews: judge each one's feeling in a job."""
    for review_id in dict.fromkeys(review_ids):
        enqueue(judge_review, review_id)


def _review_feeling(review: Review) -> assist.Feeling:
    """What the comment says; where it says nothing either way (or there is none), what the stars say."""
    said = assist.feeling(review.text) if review.text.strip() else assist.Feeling("neutral", (), "rules")
    if said.label != "neutral":
        return said
    stars = "positive" if review.rating >= 4 else "negative" if review.rating <= 2 else "neutral"
    return assist.Feeling(stars, said.reasons, said.source)


def judge_review(review_id: int) -> None:
    """Job: the feeling of a review, with its reasons."""
    review = db.session.get(Review, review_id)
    if review is None:
        return
    found = _review_feeling(review)
    db.session.execute(update(Review).where(Review.id == review.id).values(
        feeling=found.label, feeling_reasons=_reasons(found.reasons)))
    db.session.commit()
    log.info("review %s: %s (%s)", review.id, found.label, found.source)


def conversation_reported(conversation_id: int) -> None:
    """After the commit that stored a report of one of its messages: judge the conversation in a job."""
    enqueue(judge_conversation, conversation_id)


def judge_conversation(conversation_id: int) -> None:
    """Job: the feeling of a conversation, from its most recent text messages (hidden ones included: they
    are part of what was said)."""
    if db.session.get(Conversation, conversation_id) is None:
        return
    bodies = db.session.scalars(
        select(ChatMessage.body).where(ChatMessage.conversation_id == conversation_id,
                                       ChatMessage.kind == MessageKind.TEXT)
        .order_by(ChatMessage.id.desc()).limit(CHAT_MESSAGES_READ)).all()
    found = assist.feeling("\n".join(reversed(bodies)))
    db.session.execute(update(Conversation).where(Conversation.id == conversation_id).values(
        feeling=found.label, feeling_reasons=_reasons(found.reasons)))
    db.session.commit()
    log.info("conversation %s: %s (%s)", conversation_id, found.label, found.source)


# --- summaries --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeelingSummary:
    """How many judged texts were positive, neutral and negative, and the reasons given most often."""

    counts: dict[str, int] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _summary(rows: Iterable[tuple[str | None, str]], top: int = 3) -> FeelingSummary:
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for label, keys in rows:
        if label in FEELINGS:
            counts[label] += 1
            reasons.update(key for key in (keys or "").split() if key in assist.FEELING_REASONS)
    order = {key: n for n, key in enumerate(assist.FEELING_REASONS)}
    common = sorted(reasons, key=lambda key: (-reasons[key], order[key]))[:top]
    return FeelingSummary({label: counts[label] for label in FEELINGS}, tuple(common))


def review_feelings(seller_id: int) -> FeelingSummary:
    """The feelings of the reviews a seller received (the latest SUMMARY_ROWS judged ones)."""
    rows = db.session.execute(
        select(Review.feeling, Review.feeling_reasons)
        .where(Review.seller_id == seller_id, Review.feeling.is_not(None))
        .order_by(Review.id.desc()).limit(SUMMARY_ROWS)).all()
    return _summary((label, keys) for label, keys in rows)


def conversation_feelings(user_id: int) -> FeelingSummary:
    """The feelings of the judged (that is, reported) conversations a person takes part in."""
    rows = db.session.execute(
        select(Conversation.feeling, Conversation.feeling_reasons)
        .join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
        .where(ConversationMember.user_id == user_id, Conversation.feeling.is_not(None))
        .order_by(Conversation.id.desc()).limit(SUMMARY_ROWS)).all()
    return _summary((label, keys) for label, keys in rows)


def risk_reasons(product: Product) -> list[str]:
    """The keys of the reasons stored with a listing's risk."""
    return [key for key in (product.risk_reasons or "").split() if key]


def feeling_reasons(judged: Review | Conversation) -> list[str]:
    return [key for key in (judged.feeling_reasons or "").split() if key]
