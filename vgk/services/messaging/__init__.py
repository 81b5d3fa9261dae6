"""Telling people: messages sent by SMS and email through a job (`notifications`), the in-app
notifications listed in an account (`inbox`), and the outbox where the local adapters keep
messages instead of sending them (`outbox`)."""
