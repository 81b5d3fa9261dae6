"""Where each kept file lives: one row per storage key (a photo's size, a chat photo, an export), on this
machine's disk ("local") or moved to the remote store ("remote"). Backups are not rows here: a restore
starts from an empty database, so they are listed from their store."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from vgk.extensions import db
from vgk.models.base import utcnow

LOCAL = "local"
REMOTE = "remote"


class StoredFile(db.Model):
    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_location_created", "location", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # photo, thumbnail, chat_photo, export, other
    location: Mapped[str] = mapped_column(String(8), default=LOCAL)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))  # Dropbox's content hash, once known
    # A copy is still on the local disk while the row says "remote" (moved, local copy not deleted yet).
    local_copy: Mapped[bool] = mapped_column(default=True)
    shared_url: Mapped[str | None] = mapped_column(String(1024))  # a lasting public link (listing photos)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    moved_at: Mapped[datetime | None]
