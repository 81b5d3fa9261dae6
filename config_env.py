"""Reading settings from the environment: flags, numbers (a value that is not one is recorded in
ENV_PROBLEMS, and create_app refuses to start naming it) and comma-separated lists."""
import os


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Settings that could not be read (e.g. TRUSTED_PROXIES=abc): create_app refuses to start, naming them.
ENV_PROBLEMS = []


def _env_number(name, default, kind=int):
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        ENV_PROBLEMS.append(f"{name}={raw!r} is not a number")
        return default


def _env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
