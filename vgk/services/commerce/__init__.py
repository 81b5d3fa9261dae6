"""Buying: carts (`cart`), turning a cart into an order (`checkout`), the order lifecycle and its
history (`orders`), Mobile Money and cash payments (`payments`), the work at a pickup point (`pickup`)
and the sellers' ledger and payouts (`wallet`). Money and stock move here, safely on SQLite and
PostgreSQL alike."""
