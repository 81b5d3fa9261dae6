"""People: accounts and roles, sign-in sessions, one-time codes, recovery codes, staff tablets."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow

if TYPE_CHECKING:
    from vgk.models.catalog import City, PickupPoint


class Role:
    CLIENT = "CLIENT"
    STAFF = "STAFF"
    ADMIN = "ADMIN"
    ALL = (CLIENT, STAFF, ADMIN)


class UserStatus:
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    DELETED = "DELETED"
    ALL = (ACTIVE, SUSPENDED, DELETED)


class TwoFactor:
    SMS = "SMS"
    EMAIL = "EMAIL"
    TOTP = "TOTP"
    ALL = (SMS, EMAIL, TOTP)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(255), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default=Role.CLIENT)
    status: Mapped[str] = mapped_column(String(10), default=UserStatus.ACTIVE)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))
    pickup_point_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_points.id"))
    phone_verified_at: Mapped[datetime | None]
    email_verified_at: Mapped[datetime | None]
    two_factor: Mapped[str | None] = mapped_column(String(8))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    pin_failures: Mapped[int] = mapped_column(default=0)
    pin_locked_until: Mapped[datetime | None]
    google_sub: Mapped[str | None] = mapped_column(String(255), unique=True)
    login_failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # An authenticator app being set up: the secret stays here, the browser only holds a reference.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_pending_ref: Mapped[str | None] = mapped_column(String(64))
    totp_pending_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # Suggestions may use what the person looked at, liked and bought (their choice, in preferences).
    uses_history: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Photos only when tapped, and smaller; None follows the browser's Save-Data header.
    data_saver: Mapped[bool | None]
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    city: Mapped[City | None] = relationship()
    pickup_point: Mapped[PickupPoint | None] = relationship(back_populates="staff")

    __table_args__ = (
        CheckConstraint("role IN ('CLIENT', 'STAFF', 'ADMIN')", name="role"),
        CheckConstraint("status IN ('ACTIVE', 'SUSPENDED', 'DELETED')", name="status"),
        CheckConstraint("two_factor IS NULL OR two_factor IN ('SMS', 'EMAIL', 'TOTP')", name="two_factor"),
    )

    # The sign-in session this user object was loaded through (set by the session service).
    # Not a column: declared for type checkers only, as the mapper reads every annotation.
    if TYPE_CHECKING:
        auth_session: AuthSession | None
    auth_session = None

    # UserMixin compares users by get_id(), which here names a sign-in session (None when the user
    # was loaded any other way): compare rows by identity instead, like any other model.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @property
    def phone_verified(self) -> bool:
        return self.phone_verified_at is not None

    @property
    def needs_two_factor(self) -> bool:
        """Admins and staff must protect their accounts with a second factor."""
        return self.role in (Role.ADMIN, Role.STAFF)

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the session and the remember-me cookie: it names the
        # sign-in session, so revoking that session signs the browser out everywhere it is kept.
        return self.auth_session.public_id if self.auth_session is not None else None

    def __repr__(self) -> str:
        return f"<User {self.public_id} {self.role}>"


class SignInChallenge(db.Model):
    """A sign-in whose first factor (password or Google) passed and whose second factor is owed.
    Only the browser or app that gave the first factor holds its secret (the keyed hash is stored
    here): the code step needs it. Wrong codes count against the challenge, never against the account."""

    __tablename__ = "sign_in_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Which code it owes (the account's factor, or SMS/EMAIL when asked for extra).
    method: Mapped[str] = mapped_column(String(8))
    # Codes tried on it (a right one ends it too); at SIGN_IN_CODE_TRIES it is over.
    tries: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship()


class AuthSession(db.Model):
    """One signed-in browser or app: listed on the profile, revocable one by one or all at once."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(43), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    method: Mapped[str] = mapped_column(String(16), default="password")
    revoked_at: Mapped[datetime | None]
    # When the person last proved who they are in this session (password or second factor);
    # a tablet unlocked with a PIN has none. Sensitive changes need it recent.
    reauthenticated_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class RefreshToken(db.Model):
    """A mobile app's refresh token. The tokens of one sign-in form a family tied to its AuthSession:
    each is good once (rotation); presenting a used one again revokes the whole family."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    jti: Mapped[str] = mapped_column(String(43), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    session: Mapped[AuthSession] = relationship()


class SignInFailure(db.Model):
    """One wrong password (or second-factor code) for an account, with the address it came from: the
    sign-in throttle counts them per account and per source over a sliding window."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ip: Mapped[str] = mapped_column(String(45), default="")
    # "password" (a wrong password) or "code" (a wrong second-factor code at sign-in)
    kind: Mapped[str] = mapped_column(String(8), default="password", server_default="password")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_sign_in_failures_user_created", "user_id", "created_at"),)


class CodePurpose:
    VERIFY_PHONE = "VERIFY_PHONE"
    SIGN_IN = "SIGN_IN"
    RESET_PASSWORD = "RESET_PASSWORD"
    VERIFY_EMAIL = "VERIFY_EMAIL"
    REAUTH = "REAUTH"
    HANDOVER = "HANDOVER"  # re-sent handover codes (counted only: the code is the order's, never kept here)
    ALL = (VERIFY_PHONE, SIGN_IN, RESET_PASSWORD, VERIFY_EMAIL, REAUTH, HANDOVER)


class OneTimeCode(db.Model):
    """A 6-digit code sent by SMS or email. Only its keyed hash is stored."""

    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8))
    destination: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    consumed_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    ip: Mapped[str] = mapped_column(String(45), default="")

    __table_args__ = (Index("ix_one_time_codes_lookup", "purpose", "destination", "created_at"),)


class RecoveryCode(db.Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


staff_device_users = Table(
    "staff_device_users",
    db.metadata,
    Column("device_id", Integer, ForeignKey("staff_devices.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class StaffDevice(db.Model):
    """A shared tablet at a pickup point. Staff who fully signed in on it may unlock it with their PIN."""

    __tablename__ = "staff_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    pickup_point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    pickup_point: Mapped[PickupPoint] = relationship()
    users: Mapped[list[User]] = relationship(secondary=staff_device_users, order_by="User.name")
