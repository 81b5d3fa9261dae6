"""A fake OpenID Connect provider (a stand-in for Google) on 127.0.0.1.

- `/.well-known/openid-configuration`: the discovery document (issuer = the fake's base URL).
- `/jwks`: the public half of an RSA key generated at start.
- `/authorize`: no login page: redirects straight back to `redirect_uri` with a `code` and the `state`,
  remembering the `nonce`, the PKCE challenge and the identity set with `login_as(...)` for that code;
  or with `error=access_denied` after `deny_next()`.
- `/token`: checks the client (client_secret_basic or client_secret_post), the code (single use), the
  redirect URI and the PKCE verifier; returns an access token and an RS256 ID token
  (iss, aud=client_id, sub, email, email_verified, name, nonce, iat, exp, at_hash).
- `/userinfo`: the identity for a bearer access token.

Knobs for negative tests: `tamper` = "nonce" (ID token with another nonce), "signature" (signed with a key
not in the JWKS), "audience" (issued to another client), "expired".
"""
import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _with_query(url, params):
    parts = urlsplit(url)
    query = parse_qsl(parts.query) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


class OidcFake:
    def __init__(self, client_id="vgk-client.apps.example", client_secret="vgk-client-secret"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "fake-1", "use": "sig", "alg": "RS256"})
        self._rogue_key = RSAKey.generate_key(2048, parameters={"kid": "fake-1", "alg": "RS256"})
        self.requests = []  # method, path, args, form, headers of every request
        self.identity = None
        self.tamper = None
        self._deny = False
        self._codes = {}
        self._tokens = {}
        self._lock = threading.Lock()
        self._server = LoopbackServer(self.wsgi)
        self.login_as("google-sub-1", "amina@example.cm", email_verified=True, name="Amina Njoya")

    # --- lifecycle and knobs -----------------------------------------------------------------
    def rotate_key(self):
        """Sign from now on with a second key under a new kid, as Google does every few days (once per
        fake: each app of the session then meets the new key once, whatever order the tests run in)."""
        if self.key.kid == "fake-1":
            self.key = RSAKey.generate_key(2048, parameters={"kid": "fake-2", "use": "sig", "alg": "RS256"})
        return self.key.kid

    @property
    def url(self):
        return self._server.url

    @property
    def discovery_url(self):
        return self.url + "/.well-known/openid-configuration"

    def start(self):
        self._server.start()
        return self

    def stop(self):
        self._server.stop()

    def reset(self):
        with self._lock:
            self.requests.clear()
            self._codes.clear()
            self._tokens.clear()
        self.tamper = None
        self._deny = False
        self.login_as("google-sub-1", "amina@example.cm", email_verified=True, name="Amina Njoya")

    def login_as(self, sub, email, email_verified=True, name="Utilisateur Google", **extra):
        """The identity the next logins return."""
        self.identity = {"sub": sub, "email": email, "email_verified": email_verified, "name": name, **extra}

    def deny_next(self):
        """The next /authorize answers as if the person pressed "Cancel"."""
        self._deny = True

    def requests_to(self, path):
        return [r for r in self.requests if r["path"] == path]

    # --- WSGI --------------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests.append({
                "method": request.method,
                "path": request.path,
                "args": request.args.to_dict(),
                "form": request.form.to_dict(),
                "headers": dict(request.headers),
            })
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
            "/userinfo": self._userinfo,
        }
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    @staticmethod
    def _json(body, status=200, headers=None):
        return Response(json.dumps(body), status=status, content_type="application/json", headers=headers)

    def _discovery(self, request):
        base = self.url
        return self._json({
            "issuer": base,
            "authorization_endpoint": base + "/authorize",
            "token_endpoint": base + "/token",
            "userinfo_endpoint": base + "/userinfo",
            "jwks_uri": base + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sub"],
        })

    def _jwks(self, request):
        return self._json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, request):
        args = request.args
        redirect_uri = args.get("redirect_uri")
        if args.get("client_id") != self.client_id or not redirect_uri:
            return Response("invalid client or redirect_uri", status=400)
        state = args.get("state")
        if self._deny:
            self._deny = False
            return Response(status=302, headers={"Location": _with_query(redirect_uri, {
                "error": "access_denied", "state": state})})
        if args.get("response_type") != "code" or "openid" not in args.get("scope", "").split():
            return Response(status=302, headers={"Location": _with_query(redirect_uri, {
                "error": "invalid_request", "state": state})})
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "identity": dict(self.identity),
                "nonce": args.get("nonce"),
                "redirect_uri": redirect_uri,
                "code_challenge": args.get("code_challenge"),
                "code_challenge_method": args.get("code_challenge_method", "plain"),
            }
        return Response(status=302, headers={"Location": _with_query(redirect_uri, {"code": code, "state": state})})

    def _client_of(self, request):
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            return auth.username, auth.password
        return request.form.get("client_id"), request.form.get("client_secret")

    def _token(self, request):
        if request.method != "POST":
            return Response(status=405)
        client_id, client_secret = self._client_of(request)
        if client_id != self.client_id or client_secret != self.client_secret:
            return self._json({"error": "invalid_client"}, 401, {"WWW-Authenticate": "Basic"})
        form = request.form
        if form.get("grant_type") != "authorization_code":
            return self._json({"error": "unsupported_grant_type"}, 400)
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return self._json({"error": "invalid_grant"}, 400)
        if grant["code_challenge"]:
            verifier = form.get("code_verifier", "")
            if grant["code_challenge_method"] == "S256":
                expected = _b64url(hashlib.sha256(verifier.encode()).digest())
            else:
                expected = verifier
            if not verifier or expected != grant["code_challenge"]:
                return self._json({"error": "invalid_grant", "error_description": "PKCE check failed"}, 400)
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[access_token] = grant["identity"]
        return self._json({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 3599,
            "scope": "openid email profile",
            "id_token": self._id_token(grant, access_token),
        })

    def _id_token(self, grant, access_token):
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": self.client_id,
            "azp": self.client_id,
            "iat": now,
            "exp": now + 3600,
            "nonce": grant["nonce"],
            "at_hash": _b64url(hashlib.sha256(access_token.encode()).digest()[:16]),
            **grant["identity"],
        }
        key = self.key
        if self.tamper == "nonce":
            claims["nonce"] = "not-the-nonce-you-sent"
        elif self.tamper == "audience":
            claims["aud"] = "someone-else.apps.example"
        elif self.tamper == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif self.tamper == "signature":
            key = self._rogue_key
        return jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, claims, key)

    def mobile_id_token(self, audience=None, tamper=None, **identity):
        """An ID token as Google Sign-In hands it to an Android app (no nonce, no access token):
        issued to `audience` (default: our client id), signed with the provider's key."""
        now = int(time.time())
        claims = {"iss": self.url, "aud": audience or self.client_id, "azp": audience or self.client_id,
                  "iat": now, "exp": now + 3600, **identity}
        key = self.key
        if tamper == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif tamper == "signature":
            key = self._rogue_key
        elif tamper == "issuer":
            claims["iss"] = "https://accounts.evil.example"
        return jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, claims, key)

    def _userinfo(self, request):
        auth = request.headers.get("Authorization", "")
        identity = self._tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        if identity is None:
            return self._json({"error": "invalid_token"}, 401)
        return self._json(identity)
