"""Telling people, besides the notification engine (vgk.services.notifications, which sends every message):
the in-app notifications listed in an account (`inbox`), and the outbox where the local adapters keep
messages instead of sending them (`outbox`)."""
