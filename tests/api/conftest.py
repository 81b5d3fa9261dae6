"""The mobile API under test: a client that acts as a user by bearer token and checks every answer
against the served OpenAPI document (status documented, body valid for that status)."""
import json

import jsonschema_rs
import pytest

from tests import factories as f

PREFIX = "/mobile/api"


class ApiClient:
    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self._spec = None

    @property
    def spec(self):
        if self._spec is None:
            self._spec = self.client.get(PREFIX + "/openapi.json").get_json()
        return self._spec

    def call(self, method, path, *, user=None, token=None, json_body=None, data=None, query=None, headers=None,
             conform=True):
        """`path` is relative to /mobile/api (e.g. "products/"); `user` acts by a fresh access token."""
        headers = dict(headers or {})
        if user is not None:
            token = f.api_token(user)
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        url = PREFIX + "/" + path.lstrip("/")
        kwargs = {"headers": headers, "query_string": query}
        if data is not None:
            kwargs["data"] = data
        elif json_body is not None:
            kwargs["json"] = json_body
        response = self.client.open(url, method=method, **kwargs)
        if conform:
            self.check(method, url, response)
        return response

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json_body=json, **kw)

    def put(self, path, json=None, **kw):
        return self.call("PUT", path, json_body=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.call("PATCH", path, json_body=json, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def check(self, method, url, response):
        """The answer is JSON with `success`, its status is documented for the operation, and its body
        validates against the documented schema."""
        assert response.status_code < 500, response.get_data(as_text=True)
        assert response.mimetype == "application/json", response.mimetype
        body = response.get_json()
        assert body["success"] is (response.status_code < 400), body
        adapter = self.app.url_map.bind("localhost")
        endpoint, _ = adapter.match(url.split("?")[0], method=method)
        rule = next(r for r in self.app.url_map.iter_rules(endpoint))
        template = rule.rule
        for arg in rule.arguments:
            template = template.replace(f"<{arg}>", "{" + arg + "}")
            for converter in ("int", "string", "path"):
                template = template.replace(f"<{converter}:{arg}>", "{" + arg + "}")
        operation = self.spec["paths"].get(template, {}).get(method.lower())
        assert operation is not None, f"{method} {template} is not in the OpenAPI document"
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, f"{method} {template} answered {response.status_code}, not documented: {body}"
        if "$ref" in documented:
            documented = self.spec["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
        schema = documented["content"]["application/json"]["schema"]
        validator = jsonschema_rs.validator_for({**schema, "components": self.spec["components"]})
        errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, f"{method} {template} {response.status_code}: {errors}\n{json.dumps(body)[:2000]}"


@pytest.fixture
def api(app):
    return ApiClient(app)
