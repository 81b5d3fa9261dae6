"""Throwaway PostgreSQL and Redis servers on loopback for the tests and the benchmarks (vgk.ops.servers,
which `make up` also uses)."""
from vgk.ops.servers import PostgresServer, RedisServer, _wait_for_port, free_port

__all__ = ["PostgresServer", "RedisServer", "_wait_for_port", "free_port"]
