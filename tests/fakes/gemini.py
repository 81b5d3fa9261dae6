"""A fake of Gemini's `generateContent` HTTP API on 127.0.0.1: `POST /<version>/models/<model>:generateContent`
with the key in `x-goog-api-key` (else 400 API_KEY_INVALID, as the real one answers), a JSON body with
`contents[].parts[].text` and `generationConfig` (`responseMimeType`, `responseSchema`).

It answers 200 with `{"candidates": [{"content": {"parts": [{"text": <answer>}], "role": "model"},
"finishReason": "STOP"}], "usageMetadata": {...}, "modelVersion": ...}`, where <answer> is the JSON text a
test scripted with `answer_next(text)` (first in, first out; by default `default_answer`), or an error a test
scripted with `fail_next(status)` (429 RESOURCE_EXHAUSTED, 500 INTERNAL…); `delay` makes it slow."""
import json
import threading
import time

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LoopbackServer

STATUSES = {400: "INVALID_ARGUMENT", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


class GeminiFake(LoopbackServer):
    def __init__(self, key="gemini-test-key"):
        super().__init__(self.wsgi)
        self.key = key
        self.requests = []  # path, key, json body, raw body
        self._script = []  # ("answer", text) or ("fail", status), first in first out
        self.default_answer = json.dumps({"title": "Titre proposé", "description": "Une description proposée."})
        self.delay = 0.0
        self._lock = threading.Lock()

    def reset(self):
        """Nothing received or scripted, no delay, the default answer (a fake shared by several tests)."""
        with self._lock:
            self.requests.clear()
            self._script.clear()
        self.delay = 0.0
        self.default_answer = json.dumps({"title": "Titre proposé", "description": "Une description proposée."})

    def prompts(self):
        """The text of each request's prompt, in order."""
        return [part.get("text", "") for request in self.requests if isinstance(request["json"], dict)
                for content in request["json"].get("contents", [])[:1] for part in content.get("parts", [])[:1]]

    def answer_next(self, text):
        with self._lock:
            self._script.append(("answer", text))

    def fail_next(self, status):
        with self._lock:
            self._script.append(("fail", status))

    def _error(self, status, message):
        body = {"error": {"code": status, "message": message, "status": STATUSES.get(status, "UNKNOWN")}}
        return Response(json.dumps(body), status=status, content_type="application/json")

    def wsgi(self, environ, start_response):
        request = Request(environ)
        raw = request.get_data(as_text=True)
        try:
            body = json.loads(raw or "{}")
        except ValueError:
            body = None
        self.requests.append({"path": request.path, "key": request.headers.get("x-goog-api-key"), "json": body,
                              "raw": raw})
        if self.delay:
            time.sleep(self.delay)
        if request.method != "POST" or not request.path.endswith(":generateContent"):
            return self._error(404, "not found")(environ, start_response)
        if request.headers.get("x-goog-api-key") != self.key:
            return self._error(400, "API key not valid. Please pass a valid API key.")(environ, start_response)
        if not isinstance(body, dict) or not body.get("contents"):
            return self._error(400, "contents is required")(environ, start_response)
        with self._lock:
            kind, value = self._script.pop(0) if self._script else ("answer", self.default_answer)
        if kind == "fail":
            return self._error(value, "scripted failure")(environ, start_response)
        answer = {"candidates": [{"content": {"parts": [{"text": value}], "role": "model"}, "finishReason": "STOP",
                                  "index": 0}],
                  "usageMetadata": {"promptTokenCount": 120, "candidatesTokenCount": 40, "totalTokenCount": 160},
                  "modelVersion": request.path.rsplit("/", 1)[-1].split(":")[0]}
        return Response(json.dumps(answer), content_type="application/json")(environ, start_response)
