"""WhatsApp contacts: when each number last wrote to us, which opens its 24-hour window for free text."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from vgk.extensions import db


class WhatsAppContact(db.Model):
    """A phone number (+2376XXXXXXXX) that wrote to our WhatsApp number, and when it last did (UTC)."""

    __tablename__ = "whatsapp_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    last_inbound_at: Mapped[datetime]
