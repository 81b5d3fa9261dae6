"""People: accounts and roles, sign-in sessions, one-time codes, recovery codes, staff tablets."""
from flask_login import UserMixin

from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow


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

    id = db.Column(db.Integer, primary_key=True)
    public_id = db.Column(db.String(16), nullable=False, unique=True, default=new_public_id)
    name = db.Column(db.String(120), nullable=False)
    email = db.Column(db.String(255), unique=True)
    phone = db.Column(db.String(20), unique=True)
    password_hash = db.Column(db.String(255))
    role = db.Column(db.String(10), nullable=False, default=Role.CLIENT)
    status = db.Column(db.String(10), nullable=False, default=UserStatus.ACTIVE)
    locale = db.Column(db.String(5), nullable=False, default="fr")
    city_id = db.Column(db.Integer, db.ForeignKey("cities.id"))
    pickup_point_id = db.Column(db.Integer, db.ForeignKey("pickup_points.id"))
    phone_verified_at = db.Column(db.DateTime)
    email_verified_at = db.Column(db.DateTime)
    two_factor = db.Column(db.String(8))
    totp_secret = db.Column(db.String(64))
    totp_last_counter = db.Column(db.BigInteger)
    pin_hash = db.Column(db.String(255))
    pin_failures = db.Column(db.Integer, nullable=False, default=0)
    pin_locked_until = db.Column(db.DateTime)
    google_sub = db.Column(db.String(255), unique=True)
    login_failures = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(db.DateTime)
    # An authenticator app being set up: the secret stays here, the browser only holds a reference.
    totp_pending_secret = db.Column(db.String(64))
    totp_pending_ref = db.Column(db.String(64))
    totp_pending_at = db.Column(db.DateTime)
    last_login_at = db.Column(db.DateTime)
    deleted_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    city = db.relationship("City")
    pickup_point = db.relationship("PickupPoint", back_populates="staff")

    __table_args__ = (
        db.CheckConstraint("role IN ('CLIENT', 'STAFF', 'ADMIN')", name="role"),
        db.CheckConstraint("status IN ('ACTIVE', 'SUSPENDED', 'DELETED')", name="status"),
        db.CheckConstraint("two_factor IS NULL OR two_factor IN ('SMS', 'EMAIL', 'TOTP')", name="two_factor"),
    )

    # The sign-in session this user object was loaded through (set by the session service).
    auth_session = None

    # UserMixin compares users by get_id(), which here names a sign-in session (None when the user
    # was loaded any other way): compare rows by identity instead, like any other model.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    @property
    def is_active(self):
        return self.status == UserStatus.ACTIVE

    @property
    def phone_verified(self):
        return self.phone_verified_at is not None

    @property
    def needs_two_factor(self):
        """Admins and staff must protect their accounts with a second factor."""
        return self.role in (Role.ADMIN, Role.STAFF)

    def get_id(self):
        # Flask-Login keeps this in the session and the remember-me cookie: it names the
        # sign-in session, so revoking that session signs the browser out everywhere it is kept.
        return self.auth_session.public_id if self.auth_session is not None else None

    def __repr__(self):
        return f"<User {self.public_id} {self.role}>"


class SignInChallenge(db.Model):
    """A sign-in whose first factor (password or Google) passed and whose second factor is owed.
    Only the browser or app that gave the first factor holds its secret (the keyed hash is stored
    here): the code step needs it. Wrong codes count against the challenge, never against the account."""

    __tablename__ = "sign_in_challenges"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    secret_hash = db.Column(db.String(64), nullable=False, unique=True)
    # Which code it owes (the account's factor, or SMS/EMAIL when asked for extra).
    method = db.Column(db.String(8), nullable=False)
    # Codes tried on it (a right one ends it too); at SIGN_IN_CODE_TRIES it is over.
    tries = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)

    user = db.relationship("User")


class AuthSession(db.Model):
    """One signed-in browser or app: listed on the profile, revocable one by one or all at once."""

    __tablename__ = "auth_sessions"

    id = db.Column(db.Integer, primary_key=True)
    public_id = db.Column(db.String(43), nullable=False, unique=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_seen_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    ip = db.Column(db.String(45), nullable=False, default="")
    user_agent = db.Column(db.String(255), nullable=False, default="")
    method = db.Column(db.String(16), nullable=False, default="password")
    revoked_at = db.Column(db.DateTime)
    # When the person last proved who they are in this session (password or second factor);
    # a tablet unlocked with a PIN has none. Sensitive changes need it recent.
    reauthenticated_at = db.Column(db.DateTime)

    user = db.relationship("User")

    @property
    def is_live(self):
        return self.revoked_at is None


class RefreshToken(db.Model):
    """A mobile app's refresh token. The tokens of one sign-in form a family tied to its AuthSession:
    each is good once (rotation); presenting a used one again revokes the whole family."""

    __tablename__ = "refresh_tokens"

    id = db.Column(db.Integer, primary_key=True)
    jti = db.Column(db.String(43), nullable=False, unique=True)
    session_id = db.Column(db.Integer, db.ForeignKey("auth_sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    issued_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    used_at = db.Column(db.DateTime)

    session = db.relationship("AuthSession")


class SignInFailure(db.Model):
    """One wrong password (or second-factor code) for an account, with the address it came from: the
    sign-in throttle counts them per account and per source over a sliding window."""

    __tablename__ = "sign_in_failures"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    ip = db.Column(db.String(45), nullable=False, default="")
    # "password" (a wrong password) or "code" (a wrong second-factor code at sign-in)
    kind = db.Column(db.String(8), nullable=False, default="password", server_default="password")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (db.Index("ix_sign_in_failures_user_created", "user_id", "created_at"),)


class CodePurpose:
    VERIFY_PHONE = "VERIFY_PHONE"
    SIGN_IN = "SIGN_IN"
    RESET_PASSWORD = "RESET_PASSWORD"
    VERIFY_EMAIL = "VERIFY_EMAIL"
    REAUTH = "REAUTH"
    ALL = (VERIFY_PHONE, SIGN_IN, RESET_PASSWORD, VERIFY_EMAIL, REAUTH)


class OneTimeCode(db.Model):
    """A 6-digit code sent by SMS or email. Only its keyed hash is stored."""

    __tablename__ = "one_time_codes"

    id = db.Column(db.Integer, primary_key=True)
    purpose = db.Column(db.String(16), nullable=False)
    channel = db.Column(db.String(8), nullable=False)
    destination = db.Column(db.String(255), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"))
    code_hash = db.Column(db.String(64), nullable=False)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    consumed_at = db.Column(db.DateTime)
    locked_until = db.Column(db.DateTime)
    ip = db.Column(db.String(45), nullable=False, default="")

    __table_args__ = (db.Index("ix_one_time_codes_lookup", "purpose", "destination", "created_at"),)


class RecoveryCode(db.Model):
    __tablename__ = "recovery_codes"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash = db.Column(db.String(64), nullable=False)
    used_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


staff_device_users = db.Table(
    "staff_device_users",
    db.Column("device_id", db.Integer, db.ForeignKey("staff_devices.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class StaffDevice(db.Model):
    """A shared tablet at a pickup point. Staff who fully signed in on it may unlock it with their PIN."""

    __tablename__ = "staff_devices"

    id = db.Column(db.Integer, primary_key=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    pickup_point_id = db.Column(db.Integer, db.ForeignKey("pickup_points.id"), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_used_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    revoked_at = db.Column(db.DateTime)

    pickup_point = db.relationship("PickupPoint")
    users = db.relationship("User", secondary=staff_device_users, order_by="User.name")
