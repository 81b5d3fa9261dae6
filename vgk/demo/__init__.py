"""The demo data and its pictures: what `flask seed-demo` puts in a fresh database (not business rules).

`seed_demo()` fills a migrated database once; the demo accounts' shared password and the staff tablet PIN
are public, so never seed a real production database.
"""
from vgk.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_STAFF_PIN
from vgk.demo.seed import seed_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DEMO_STAFF_PIN", "seed_demo"]
