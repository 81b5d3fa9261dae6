"""The production shape of `make up` brought up for a test module: in a temporary directory, on free ports,
with its own throwaway PostgreSQL and Redis whatever the developer's shell points at."""
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from vgk.ops import up

# What a developer's shell may hold that would point the shape elsewhere than its own throwaway servers.
NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "JWT_SECRET_KEY", "PUBLIC_URL", "MEDIA_ROOT",
                 "CAMPAY_USERNAME", "SIMULATED_PAYMENTS_DIR", "TRUSTED_HOSTS")


@contextlib.contextmanager
def brought_up(web: int = 2, demo_products: int = 24, **settings: str) -> Iterator[up.Shape]:
    """The shape, with `settings` added to its processes' environment."""
    run = Path(tempfile.mkdtemp(prefix="vgk-up-"))  # not under pytest's own folder, which only root may enter
    run.chmod(0o755)
    environ = {key: value for key, value in os.environ.items()
               if key not in NOT_INHERITED and not key.startswith(("VGK_", "TEST_"))}
    environ.update(settings)
    started = up.start(str(run), port=0, web=web, demo_products=demo_products, environ=environ, timeout=150)
    try:
        yield started
    finally:
        up.stop(str(run))
        shutil.rmtree(run, ignore_errors=True)


def settings(shape: up.Shape) -> dict[str, str]:
    """The environment file `make up` wrote for the shape's processes."""
    return dict(line.split("=", 1) for line in (Path(shape.run_dir) / "env").read_text().splitlines()
                if line and not line.startswith("#"))
