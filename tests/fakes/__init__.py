"""Loopback fakes of the outside services, speaking their real HTTP (or SMTP) on 127.0.0.1.

Each fake runs in a thread, records what it received (`.requests` or `.messages`) and answers like
the documented API. Fixtures that start them are in tests/fakes/fixtures.py.
"""
