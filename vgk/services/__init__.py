"""Business rules. Services take plain values, return domain objects or raise vgk.errors, and own the transaction."""
