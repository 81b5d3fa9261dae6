"""A fake of Dropbox's HTTP API v2 on 127.0.0.1, for the real SDK (`dropbox`) whose requests the adapter
sends to `{url}/{host}{path}` (DROPBOX_BASE_URL).

- `POST /api.dropboxapi.com/oauth2/token` (or api.dropbox.com): `grant_type=refresh_token` with the
  refresh token, the app key and secret → `{"access_token", "expires_in", "token_type"}`; anything else
  400 `{"error": "invalid_grant"}`. Every other call wants `Authorization: Bearer <a token it issued>`,
  else 401 `{"error": {".tag": "invalid_access_token"}}` (or "expired_access_token" after `expire_tokens()`).
- content.dropboxapi.com (argument in the `Dropbox-API-Arg` header, bytes in the body): `/2/files/upload`,
  `/2/files/upload_session/start`, `/append_v2`, `/finish` (offsets checked: 409 `incorrect_offset`),
  `/2/files/download` (result in `Dropbox-API-Result`). A `content_hash` argument must be the body's.
- api.dropboxapi.com (JSON bodies): `/2/files/delete_v2`, `/2/files/get_temporary_link`,
  `/2/files/list_folder` (+ `/continue`, `page_size` entries a page), `/2/sharing/create_shared_link_with_settings`
  (409 `shared_link_already_exists` the second time), `/2/sharing/list_shared_links`.
- Links it hands out are served by the fake itself: `GET /dl/<token>` (temporary, `TEMPORARY_SECONDS`) and
  `GET /scl/fi/<id>/<name>?raw=1` (shared).
Missing paths answer 409 with the route's `not_found` error. `fail_next(status, route=None, retry_after=None)`
scripts 429/5xx answers; `requests` records (host, route) of each call; `files` maps path (lower case) → bytes.
"""
import hashlib
import itertools
import json
import secrets
import threading
import time

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer

CONTENT_ROUTES = {"files/upload", "files/upload_session/start", "files/upload_session/append_v2",
                  "files/upload_session/finish", "files/download"}
TEMPORARY_SECONDS = 4 * 3600
LINK_PERMISSIONS = {"can_revoke": True, "visibility_policies": [], "can_set_expiry": False, "can_remove_expiry": False,
                    "allow_download": True, "can_allow_download": True, "can_disallow_download": False,
                    "allow_comments": False, "team_restricts_comments": False}


BLOCK = 4 * 1024 * 1024


def content_hash(data):
    """Dropbox's documented content hash (SHA-256 of the 4 MiB blocks' SHA-256)."""
    blocks = b"".join(hashlib.sha256(data[i:i + BLOCK]).digest() for i in range(0, len(data), BLOCK))
    return hashlib.sha256(blocks).hexdigest()


class DropboxFake(LoopbackServer):
    def __init__(self, app_key="app-key", app_secret="app-secret", refresh_token="refresh-token"):
        super().__init__(self.wsgi)
        self.app_key, self.app_secret, self.refresh_token = app_key, app_secret, refresh_token
        self.page_size = 100
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "_lock", threading.Lock()):
            self.files = {}  # path lower → bytes
            self.display = {}  # path lower → path as given
            self.sessions = {}  # session id → bytearray
            self.tokens = getattr(self, "tokens", {})  # access token → expiry (kept: apps outlive a test)
            self.links = {}  # temporary link token → (path lower, expiry)
            self.shared = {}  # path lower → shared link id
            self.requests = []
            self._errors = []
            self._ids = itertools.count(1)
            self.token_requests = 0

    def fail_next(self, status, route=None, retry_after=None):
        with self._lock:
            self._errors.append((status, route, retry_after))

    def expire_tokens(self):
        with self._lock:
            self.tokens = {token: 0 for token in self.tokens}

    def calls(self, route):
        return sum(1 for _host, name in self.requests if name == route)

    def contents(self, root="/vgk/"):
        """{key below `root`, as the client spelled it: bytes} of every stored file."""
        return {self.display[path].removeprefix(root): data for path, data in self.files.items()}

    @property
    def stored_bytes(self):
        return sum(len(data) for data in self.files.values())

    # --- plumbing -----------------------------------------------------------------------------------
    @staticmethod
    def _json(body, status=200, headers=None):
        return Response(json.dumps(body), status=status, content_type="application/json", headers=headers or {})

    def _error(self, tag, inner=None, status=409):
        error = {".tag": tag}
        if inner:
            error[tag] = {".tag": inner}
        return self._json({"error_summary": f"{tag}/{inner or ''}/", "error": error}, status)

    def _meta(self, path):
        data = self.files[path]
        display = self.display[path]
        return {".tag": "file", "name": display.rsplit("/", 1)[-1],
                "id": "id:" + hashlib.sha1(path.encode()).hexdigest(),
                "client_modified": "2026-01-01T00:00:00Z", "server_modified": "2026-01-01T00:00:00Z",
                "rev": "0123456789abcdef", "size": len(data), "path_lower": path, "path_display": display,
                "is_downloadable": True, "content_hash": content_hash(data)}

    def wsgi(self, environ, start_response):
        request = Request(environ)
        return self._answer(request)(environ, start_response)

    def _answer(self, request):
        parts = request.path.lstrip("/").split("/", 1)
        if parts[0] in ("dl", "scl"):
            return self._serve_link(request)
        host, route = parts[0], (parts[1] if len(parts) > 1 else "")
        if route == "oauth2/token" and host in ("api.dropbox.com", "api.dropboxapi.com"):
            return self._token(request)
        route = route.removeprefix("2/")
        with self._lock:
            self.requests.append((host, route))
            scripted = next((e for e in self._errors if e[1] in (None, route)), None)
            if scripted:
                self._errors.remove(scripted)
        if scripted:
            status, _route, retry_after = scripted
            if status == 429:
                headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                return Response("too many requests", status=429, content_type="text/plain", headers=headers)
            return Response("server error", status=status, content_type="text/plain")
        expected = "content.dropboxapi.com" if route in CONTENT_ROUTES else "api.dropboxapi.com"
        if host != expected:
            return Response(f"{route} lives on {expected}", status=400, content_type="text/plain")
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expiry = self.tokens.get(bearer)
        if expiry is None or expiry < time.time():
            tag = "expired_access_token" if expiry is not None else "invalid_access_token"
            return self._json({"error_summary": tag, "error": {".tag": tag}}, 401)
        if route in CONTENT_ROUTES:
            arg = json.loads(request.headers.get("Dropbox-API-Arg") or "null")
            body = request.get_data()
            if isinstance(arg, dict) and arg.get("content_hash") and arg["content_hash"] != content_hash(body):
                return Response("content hash mismatch", status=400, content_type="text/plain")
        else:
            arg, body = request.get_json(silent=True), b""
        handler = getattr(self, "_" + route.replace("/", "_"), None)
        if handler is None:
            return Response(f"unknown route {route}", status=400, content_type="text/plain")
        with self._lock:
            return handler(arg or {}, body)

    def _token(self, request):
        form = request.form
        if (form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token
                or form.get("client_id") != self.app_key or form.get("client_secret") != self.app_secret):
            return self._json({"error": "invalid_grant", "error_description": "refresh token is invalid"}, 400)
        token = "sl." + secrets.token_urlsafe(16)
        with self._lock:
            self.token_requests += 1
            self.tokens[token] = time.time() + 14400
        return self._json({"access_token": token, "expires_in": 14400, "token_type": "bearer"})

    def _store(self, path, data):
        self.files[path.lower()] = bytes(data)
        self.display[path.lower()] = path
        return self._json(self._meta(path.lower()))

    # --- content routes -----------------------------------------------------------------------------
    def _files_upload(self, arg, body):
        return self._store(arg["path"], body)

    def _files_upload_session_start(self, arg, body):
        session = f"session-{next(self._ids)}"
        self.sessions[session] = bytearray(body)
        return self._json({"session_id": session})

    def _session(self, cursor):
        data = self.sessions.get(cursor["session_id"])
        if data is None:
            return None, self._error("not_found")
        if cursor["offset"] != len(data):
            return None, self._json({"error_summary": "incorrect_offset/", "error": {
                ".tag": "incorrect_offset", "correct_offset": len(data)}}, 409)
        return data, None

    def _files_upload_session_append_v2(self, arg, body):
        data, refusal = self._session(arg["cursor"])
        if refusal:
            return refusal
        data.extend(body)
        return self._json(None)

    def _files_upload_session_finish(self, arg, body):
        data, refusal = self._session(arg["cursor"])
        if refusal:
            return refusal
        data.extend(body)
        del self.sessions[arg["cursor"]["session_id"]]
        return self._store(arg["commit"]["path"], data)

    def _files_download(self, arg, body):
        path = arg["path"].lower()
        if path not in self.files:
            return self._error("path", "not_found")
        return Response(self.files[path], content_type="application/octet-stream",
                        headers={"Dropbox-API-Result": json.dumps(self._meta(path))})

    # --- api routes ---------------------------------------------------------------------------------
    def _files_delete_v2(self, arg, body):
        path = arg["path"].lower()
        if path not in self.files:
            return self._error("path_lookup", "not_found")
        meta = self._meta(path)
        del self.files[path], self.display[path]
        self.shared.pop(path, None)
        return self._json({"metadata": meta})

    def _files_get_temporary_link(self, arg, body):
        path = arg["path"].lower()
        if path not in self.files:
            return self._error("path", "not_found")
        token = secrets.token_urlsafe(12)
        self.links[token] = (path, time.time() + TEMPORARY_SECONDS)
        return self._json({"metadata": self._meta(path), "link": f"{self.url}/dl/{token}"})

    def _files_list_folder(self, arg, body):
        folder = arg["path"].lower().rstrip("/")
        found = sorted(p for p in self.files if p.startswith(folder + "/")
                       and (arg.get("recursive") or "/" not in p[len(folder) + 1:]))
        if not found and not any(p.startswith(folder + "/") for p in self.files):
            return self._error("path", "not_found")
        return self._page(found, 0)

    def _page(self, paths, start):
        chunk = paths[start:start + self.page_size]
        more = start + self.page_size < len(paths)
        cursor = json.dumps({"paths": paths, "start": start + self.page_size})
        return self._json({"entries": [self._meta(p) for p in chunk if p in self.files], "cursor": cursor,
                           "has_more": more})

    def _files_list_folder_continue(self, arg, body):
        state = json.loads(arg["cursor"])
        return self._page(state["paths"], state["start"])

    def _link_meta(self, path):
        meta = self._meta(path)
        name = meta["name"]
        return {".tag": "file", "url": f"{self.url}/scl/fi/{self.shared[path]}/{name}?rlkey=k{self.shared[path]}&dl=0",
                "name": name, "id": meta["id"], "path_lower": path, "link_permissions": LINK_PERMISSIONS,
                "client_modified": meta["client_modified"], "server_modified": meta["server_modified"],
                "rev": meta["rev"], "size": meta["size"]}

    def _sharing_create_shared_link_with_settings(self, arg, body):
        path = arg["path"].lower()
        if path not in self.files:
            return self._error("path", "not_found")
        if path in self.shared:
            return self._json({"error_summary": "shared_link_already_exists/",
                               "error": {".tag": "shared_link_already_exists"}}, 409)
        self.shared[path] = secrets.token_hex(8)
        return self._json(self._link_meta(path))

    def _sharing_list_shared_links(self, arg, body):
        path = (arg.get("path") or "").lower()
        links = [self._link_meta(p) for p in self.shared if p == path or not path]
        return self._json({"links": links, "has_more": False})

    # --- the links themselves -----------------------------------------------------------------------
    def _serve_link(self, request):
        parts = request.path.strip("/").split("/")
        with self._lock:
            if parts[0] == "dl":
                path, expiry = self.links.get(parts[-1], (None, 0))
                if path is None or expiry < time.time():
                    return Response("gone", status=410)
            else:
                path = next((p for p, link in self.shared.items() if len(parts) > 2 and link == parts[2]), None)
                if path is None or request.args.get("raw") != "1":
                    return Response("not found", status=404)
            data = self.files.get(path)
        if data is None:
            return Response("not found", status=404)
        return Response(data, content_type="application/octet-stream")
