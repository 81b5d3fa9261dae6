"""Per-IP limits on sign-in posts, kept in Redis when REDIS_URL is set (shared by every web process)."""
import re

from tests.conftest import make_app, migrate


def _csrf(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_sign_in_attempts_are_limited_per_ip_across_processes_through_redis(redis_server, tmp_path, media_root):
    settings = dict(REDIS_URL=redis_server.url, AUTH_RATE_LIMIT="3 per minute")
    first = make_app(f"sqlite:///{tmp_path / 'rl.sqlite3'}", media_root, **settings)
    migrate(first)
    second = make_app(f"sqlite:///{tmp_path / 'rl.sqlite3'}", media_root, **settings)
    from vgk.extensions import limiter

    assert "redis" in first.config["RATELIMIT_STORAGE_URI"]
    assert type(limiter.storage).__name__ == "RedisStorage"
    limiter.reset()
    statuses = []
    for app in (first, second, first, second):  # two "web processes" sharing one Redis
        client = app.test_client()
        token = _csrf(client, "/connexion")
        response = client.post("/connexion",
                               data={"csrf_token": token, "identifier": "x@example.cm", "password": "nope"})
        statuses.append(response.status_code)
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3] == 429
