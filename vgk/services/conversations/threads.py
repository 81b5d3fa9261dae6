"""Who talks to whom: one conversation per buyer and listing, one support conversation per person (with
the admins), and groups an admin gathers. Who may read and write in each, the inbox of a person's
conversations and the unread count shown in the header.

Access: members read and write. Admins also read and answer every support conversation (they become
members when they first open one), and may read a conversation somebody reported. Everyone else is told
the conversation does not exist (never "forbidden": that would confirm it does).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, event, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from vgk.errors import Forbidden, Invalid, NotFound, RateLimited
from vgk.extensions import db
from vgk.models import (
    Block,
    ChatMessage,
    Conversation,
    ConversationKind,
    ConversationMember,
    MessageReport,
    Product,
    ProductStatus,
    Role,
    User,
    UserStatus,
)
from vgk.models.base import utcnow
from vgk.services.accounts import people
from vgk.services.backoffice import audit
from vgk.services.paging import Page, paginate

PER_PAGE = 20
TITLE_MAX = 120
GROUP_MAX_MEMBERS = 50
# Listings people may ask about: on sale, or reserved by a buyer whose payment may still fail.
OPEN_FOR_QUESTIONS = (ProductStatus.ACTIVE, ProductStatus.RESERVED)
NOT_FOUND = _l("Conversation introuvable.")
_MEMBERS = "conversation_members"  # db.session.info: the memberships this session found
_BLOCKED = "conversation_blocked"  # db.session.info: whether another member blocked the person, as found
_PACE = "conversation_pace"  # db.session.info: how many messages each person wrote lately, as found
PACE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class InboxRow:
    conversation: Conversation
    last: ChatMessage | None
    unread: int


def _active(user: User | None) -> User:
    if user is None or user.status != UserStatus.ACTIVE:
        raise Forbidden(_l("Connectez-vous pour écrire un message."))
    return user


def blocked(blocker_id: int, blocked_id: int) -> bool:
    return db.session.get(Block, (blocker_id, blocked_id)) is not None


def _get_or_create(key: str, build: Conversation, member_ids: Sequence[int]) -> Conversation:
    """The conversation with `key`, created with its members if there is none (two people opening it at
    once get the same one: the unique key decides on every database)."""
    found = db.session.scalar(select(Conversation).where(Conversation.unique_key == key))
    if found is not None:
        return found
    _within_daily_limit(build.created_by_id)
    build.unique_key = key
    build.members = [ConversationMember(user_id=user_id) for user_id in dict.fromkeys(member_ids)]
    db.session.add(build)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = db.session.scalar(select(Conversation).where(Conversation.unique_key == key))
        if found is None:
            raise
        return found
    return build


def _within_daily_limit(user_id: int | None) -> None:
    """People start at most CHAT_NEW_CONVERSATIONS_PER_DAY conversations in 24 hours."""
    limit = int(current_app.config["CHAT_NEW_CONVERSATIONS_PER_DAY"])
    started = db.session.scalar(select(func.count(Conversation.id)).where(
        Conversation.created_by_id == user_id, Conversation.created_at > utcnow() - timedelta(days=1))) or 0
    if started >= limit:
        raise RateLimited(_l("Vous avez commencé beaucoup de conversations aujourd'hui : réessayez demain."))


def open_about_listing(buyer: User | None, product_public_id: object) -> Conversation:
    """The buyer's conversation with the seller about a listing on sale (created on first use)."""
    buyer = _active(buyer)
    product = db.session.scalar(select(Product).where(Product.public_id == str(product_public_id)[:16]))
    if product is None or product.status not in OPEN_FOR_QUESTIONS:
        raise NotFound(_l("Cette annonce n'est plus en vente."))
    if product.seller_id == buyer.id:
        raise Invalid(_l("C'est votre annonce : les acheteurs vous écriront ici."))
    if blocked(product.seller_id, buyer.id):
        raise Forbidden(_l("Ce vendeur ne reçoit plus vos messages."))
    key = f"listing:{product.id}:{buyer.id}"
    build = Conversation(kind=ConversationKind.LISTING, product_id=product.id, title=product.title[:TITLE_MAX],
                         created_by_id=buyer.id)
    return _get_or_create(key, build, [buyer.id, product.seller_id])


def open_support(user: User | None) -> Conversation:
    """The person's conversation with the admins (clients and staff alike)."""
    user = _active(user)
    if user.role == Role.ADMIN:
        raise Invalid(_l("Les administrateurs répondent aux demandes depuis la boîte du support."))
    build = Conversation(kind=ConversationKind.SUPPORT, title=user.name[:TITLE_MAX], created_by_id=user.id)
    return _get_or_create(f"support:{user.id}", build, [user.id])


def start_group(admin: User, title: object, member_ids: Sequence[int], ip: str = "") -> Conversation:
    """A group an admin gathers (the admin is in it); audited."""
    if admin.role != Role.ADMIN:
        raise Forbidden(_l("Réservé aux administrateurs."))
    name = str(title or "").strip()[:TITLE_MAX]
    if not name:
        raise Invalid(_l("Donnez un nom au groupe."), fields={"title": _l("Donnez un nom au groupe.")})
    wanted = list(dict.fromkeys(int(i) for i in member_ids if int(i) != admin.id))
    if not wanted or len(wanted) > GROUP_MAX_MEMBERS:
        raise Invalid(_l("Choisissez entre 1 et %(max)s personnes.", max=GROUP_MAX_MEMBERS))
    found = db.session.scalars(select(User.id).where(User.id.in_(wanted), User.status == UserStatus.ACTIVE)).all()
    if len(found) != len(wanted):
        raise Invalid(_l("Une des personnes choisies n'existe pas ou est suspendue."))
    group = Conversation(kind=ConversationKind.GROUP, title=name, created_by_id=admin.id,
                         members=[ConversationMember(user_id=user_id) for user_id in [admin.id, *wanted]])
    db.session.add(group)
    db.session.flush()
    audit.record(admin, "conversation.group_create", "conversation", group.public_id,
                 after={"title": name, "members": len(wanted) + 1}, ip=ip)
    db.session.commit()
    return group


@event.listens_for(Session, "after_rollback")
def _forget_members(session: Session) -> None:
    """A rolled-back membership (an admin joining a support conversation, then refused) was never one."""
    session.info.pop(_MEMBERS, None)
    session.info.pop(_BLOCKED, None)
    session.info.pop(_PACE, None)


@event.listens_for(Session, "after_commit")
def _forget_blocks(session: Session) -> None:
    """Whether someone is blocked, and their pace, are only kept from `find` to the write it allows: a
    block or a message committed since would not show in them."""
    session.info.pop(_BLOCKED, None)
    session.info.pop(_PACE, None)


def membership(user: User | None, conversation: Conversation) -> ConversationMember | None:
    """The person's membership of the conversation, or None. Read once per database session: the session
    holds the members it found (its identity map alone would forget them between two checks of one event)."""
    if user is None or getattr(user, "id", None) is None:
        return None
    known: dict[tuple[int, int], ConversationMember] = db.session.info.setdefault(_MEMBERS, {})
    key = (conversation.id, user.id)
    member = known.get(key) or db.session.get(ConversationMember, key)
    if member is not None:
        known[key] = member
    return member


def _reported(conversation: Conversation) -> bool:
    return db.session.scalar(select(MessageReport.id).where(MessageReport.conversation_id == conversation.id)
                             .limit(1)) is not None


def can_read(user: User | None, conversation: Conversation) -> bool:
    if membership(user, conversation) is not None:
        return True
    if user is None or getattr(user, "role", None) != Role.ADMIN or user.status != UserStatus.ACTIVE:
        return False
    return conversation.kind == ConversationKind.SUPPORT or _reported(conversation)


def answers_support(user: User | None, conversation: Conversation) -> bool:
    """An admin may answer any support conversation (joining it by writing)."""
    return (user is not None and getattr(user, "role", None) == Role.ADMIN and user.status == UserStatus.ACTIVE
            and conversation.kind == ConversationKind.SUPPORT)


def _pace() -> Select:
    """How many messages the person wrote lately (their per-minute limit)."""
    return select(func.count(ChatMessage.id)).where(ChatMessage.sender_id == bindparam("user_id"),
                                                    ChatMessage.created_at > bindparam("since"))


@cache
def _pace_statement() -> Select:
    return _pace()


def written_lately(user: User) -> int:
    """How many messages the person wrote in the last PACE_WINDOW (as `find` counted it just before,
    else one query)."""
    known = db.session.info.get(_PACE, {}).get(user.id)
    if known is not None:
        return int(known)
    return db.session.scalar(_pace_statement(), {"user_id": user.id, "since": utcnow() - PACE_WINDOW}) or 0


@cache
def _find_statement() -> Select:
    """The conversation, the person's membership (outer join: most readers are members), whether
    another member blocked them and how many messages they wrote lately, in one query."""
    blocker = aliased(ConversationMember)
    blocked = (select(Block.blocker_id)
               .join(blocker, and_(blocker.user_id == Block.blocker_id, blocker.conversation_id == Conversation.id))
               .where(Block.blocked_id == bindparam("user_id"), Block.blocker_id != bindparam("user_id"))
               .exists())
    return (select(Conversation, ConversationMember, blocked, _pace().scalar_subquery())
            .outerjoin(ConversationMember, and_(ConversationMember.conversation_id == Conversation.id,
                                                ConversationMember.user_id == bindparam("user_id")))
            .where(Conversation.public_id == bindparam("public_id")))


def find(user: User | None, public_id: object) -> Conversation:
    """The conversation, if `user` may read it; NotFound otherwise (whether or not it exists)."""
    user_id = getattr(user, "id", None) or 0
    wanted = str(public_id).replace("\x00", "")[:16]  # an id from a path: PostgreSQL text holds no NUL
    row = db.session.execute(_find_statement(), {"user_id": user_id, "public_id": wanted,
                                                 "since": utcnow() - PACE_WINDOW}).first()
    conversation = row[0] if row is not None else None
    if row is not None and row[1] is not None:
        db.session.info.setdefault(_MEMBERS, {})[(row[0].id, user_id)] = row[1]
    if row is not None:
        db.session.info.setdefault(_BLOCKED, {})[(row[0].id, user_id)] = bool(row[2])
        db.session.info.setdefault(_PACE, {})[user_id] = int(row[3] or 0)
    if conversation is None or not can_read(user, conversation):
        raise NotFound(NOT_FOUND)
    return conversation


def writer(user: User | None, conversation: Conversation) -> ConversationMember:
    """The member who is about to write (an admin joins a support conversation by answering it);
    refused when the conversation is closed or the other side blocked them."""
    user = _active(user)
    if conversation.closed_at is not None:
        raise Forbidden(_l("Cette conversation est fermée."))
    member = membership(user, conversation)
    if member is None and user.role == Role.ADMIN and conversation.kind == ConversationKind.SUPPORT:
        member = ConversationMember(conversation_id=conversation.id, user_id=user.id)
        db.session.add(member)
        db.session.flush()
    if member is None:
        raise NotFound(NOT_FOUND)
    if conversation.kind == ConversationKind.LISTING and _blocked_by_a_member(conversation, user.id):
        raise Forbidden(_l("Cette personne ne reçoit plus vos messages."))
    return member


@cache
def _blocked_statement() -> Select:
    return (select(Block.blocker_id)
            .join(ConversationMember, and_(ConversationMember.user_id == Block.blocker_id,
                                           ConversationMember.conversation_id == bindparam("conversation_id")))
            .where(Block.blocked_id == bindparam("user_id"), Block.blocker_id != bindparam("user_id")).limit(1))


def _blocked_by_a_member(conversation: Conversation, user_id: int) -> bool:
    """Someone else in the conversation blocked this person (as `find` saw it, else one query)."""
    known = db.session.info.get(_BLOCKED, {}).get((conversation.id, user_id))
    if known is not None:
        return bool(known)
    return db.session.scalar(_blocked_statement(), {"conversation_id": conversation.id,
                                                    "user_id": user_id}) is not None


def member_ids(conversation: Conversation) -> list[int]:
    return list(db.session.scalars(select(ConversationMember.user_id)
                                   .where(ConversationMember.conversation_id == conversation.id)))


def other_member_ids(conversation: Conversation, user_id: int) -> list[int]:
    return [other for other in member_ids(conversation) if other != user_id]


def _unread_condition(member: Any = ConversationMember):  # type: ignore[no-untyped-def]
    """A member's messages not read yet: after their read mark, written by someone else (or the site)."""
    return and_(ChatMessage.conversation_id == member.conversation_id,
                ChatMessage.id > member.last_read_id,
                or_(ChatMessage.sender_id.is_(None), ChatMessage.sender_id != member.user_id),
                ChatMessage.hidden_at.is_(None))


@cache
def _unread_total_statement() -> Select:
    return (select(func.count(ChatMessage.id)).select_from(ConversationMember)
            .join(ChatMessage, _unread_condition())
            .where(ConversationMember.user_id == bindparam("user_id")))


def unread_total(user: User | None) -> int:
    """How many messages the person has not read, in all their conversations (one query)."""
    if user is None or getattr(user, "id", None) is None:
        return 0
    return db.session.scalar(_unread_total_statement(), {"user_id": user.id}) or 0


@cache
def _members_with_unread_statement() -> Select:
    mine = aliased(ConversationMember)
    unread = (select(func.count(ChatMessage.id)).select_from(mine)
              .join(ChatMessage, _unread_condition(mine))
              .where(mine.user_id == ConversationMember.user_id).scalar_subquery())
    return (select(ConversationMember.user_id, unread)
            .where(ConversationMember.conversation_id == bindparam("conversation_id")))


def members_with_unread(conversation: Conversation) -> list[tuple[int, int]]:
    """The conversation's members' ids, each with their unread count in all their conversations (one
    query, built once: it is on the path of every message sent)."""
    rows = db.session.execute(_members_with_unread_statement(), {"conversation_id": conversation.id}).all()
    return [(user_id, int(count or 0)) for user_id, count in rows]


def inbox(user: User, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The person's conversations, the most recent first, each with its members, last message and unread
    count (a fixed number of queries whatever the page's length: members, listings, their photos and the
    writers of the last messages come with them)."""
    query = (select(Conversation).join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
             .options(selectinload(Conversation.members).selectinload(ConversationMember.user))
             .where(ConversationMember.user_id == user.id)
             .options(selectinload(Conversation.product).selectinload(Product.images))
             .order_by(Conversation.last_message_at.desc(), Conversation.id.desc()))
    result = paginate(query, page, per_page)
    ids = [conversation.id for conversation in result.items]
    lasts: dict[int, ChatMessage] = {}
    unread: dict[int, int] = {}
    if ids:
        newest = (select(func.max(ChatMessage.id)).where(ChatMessage.conversation_id.in_(ids),
                                                          ChatMessage.hidden_at.is_(None))
                  .group_by(ChatMessage.conversation_id))
        for message in db.session.scalars(select(ChatMessage).where(ChatMessage.id.in_(newest))
                                          .options(selectinload(ChatMessage.sender), selectinload(ChatMessage.offer))):
            lasts[message.conversation_id] = message
        counts = (select(ConversationMember.conversation_id, func.count(ChatMessage.id))
                  .join(ChatMessage, _unread_condition())
                  .where(ConversationMember.user_id == user.id, ConversationMember.conversation_id.in_(ids))
                  .group_by(ConversationMember.conversation_id))
        unread = {conversation_id: count for conversation_id, count in db.session.execute(counts)}
    result.items = [InboxRow(conversation, lasts.get(conversation.id), unread.get(conversation.id, 0))
                    for conversation in result.items]
    return result


def support_queue(admin: User, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Every support conversation, the most recent first (admins only)."""
    if admin.role != Role.ADMIN:
        raise Forbidden(_l("Réservé aux administrateurs."))
    query = (select(Conversation).where(Conversation.kind == ConversationKind.SUPPORT)
             .order_by(Conversation.last_message_at.desc(), Conversation.id.desc()))
    return paginate(query, page, per_page)


def close(admin: User, conversation: Conversation) -> Conversation:
    """An admin closes a conversation: nobody writes in it any more (it stays readable)."""
    if admin.role != Role.ADMIN:
        raise Forbidden(_l("Réservé aux administrateurs."))
    if conversation.closed_at is None:
        conversation.closed_at = utcnow()
        conversation.closed_by_id = admin.id
        audit.record(admin, "conversation.close", "conversation", conversation.public_id)
        db.session.commit()
    return conversation


def awaiting_answer(conversations: Sequence[Conversation]) -> set[int]:
    """The ids of the support conversations whose last message is not from an admin (one query)."""
    ids = [conversation.id for conversation in conversations]
    if not ids:
        return set()
    newest = (select(func.max(ChatMessage.id)).where(ChatMessage.conversation_id.in_(ids),
                                                      ChatMessage.hidden_at.is_(None))
              .group_by(ChatMessage.conversation_id))
    rows = db.session.execute(select(ChatMessage.conversation_id, User.role)
                              .outerjoin(User, User.id == ChatMessage.sender_id).where(ChatMessage.id.in_(newest)))
    return {conversation_id for conversation_id, role in rows if role != Role.ADMIN}


def identified_members(identifiers: Sequence[str]) -> list[int]:
    """The ids of the people named by phone or email, one per entry; Invalid naming those not found."""
    found: list[int] = []
    unknown: list[str] = []
    for entry in (str(value).strip() for value in identifiers):
        if not entry:
            continue
        user = people.find_by_identifier(entry)
        if user is None or user.status != UserStatus.ACTIVE:
            unknown.append(entry[:60])
        else:
            found.append(user.id)
    if unknown:
        message = _l("Aucun compte actif trouvé pour : %(list)s", list=", ".join(unknown))
        raise Invalid(message, fields={"members": message})
    return found
