"""Selling: a seller's own listings and their moves (`listings`), product photos (`media`) and the
moderation of listings — automatic flags, the queue and the admin's decision (`moderation`)."""
