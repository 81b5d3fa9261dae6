"""`make run` serves with Werkzeug in the development configuration: no production warning there, but
the rest of the banner (the address) stays, and outside development every warning stays."""
import logging

import pytest

from vgk import devserver

BANNER = ("\x1b[31m\x1b[1mWARNING: This is a development server. Do not use it in a production deployment. "
          "Use a production WSGI server instead.\x1b[0m\n * Running on http://127.0.0.1:5000")
SOCKETIO = ("Werkzeug appears to be used in a production deployment. Consider switching to a production "
            "web server instead.")


def record(message):
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, message, (), None)


def test_the_banner_keeps_its_address_and_says_what_the_server_is_for():
    line = record(BANNER)
    assert devserver.DevelopmentServerNotice().filter(line)
    assert line.getMessage() == devserver.DEVELOPMENT_NOTICE + "\n * Running on http://127.0.0.1:5000"
    assert "production deployment" not in line.getMessage()


def test_flask_socketio_production_warning_is_dropped_and_other_lines_kept():
    notice = devserver.DevelopmentServerNotice()
    assert not notice.filter(record(SOCKETIO))
    request_line = record('127.0.0.1 - - "GET / HTTP/1.1" 200 -')
    assert notice.filter(request_line) and request_line.getMessage() == '127.0.0.1 - - "GET / HTTP/1.1" 200 -'


class FakeSocketIO:
    def __init__(self):
        self.runs = []

    def run(self, app, **options):
        self.runs.append(options)
        logging.getLogger("werkzeug").warning(SOCKETIO)


@pytest.mark.parametrize(("env_name", "warned"), [("development", False), ("production", True)])
def test_only_development_quiets_the_warnings(app, monkeypatch, caplog, env_name, warned):
    werkzeug_logger = logging.getLogger("werkzeug")
    monkeypatch.setattr(werkzeug_logger, "filters", [])
    monkeypatch.setitem(app.config, "ENV_NAME", env_name)
    monkeypatch.setenv("PORT", "5917")
    monkeypatch.delenv("HOST", raising=False)
    socketio = FakeSocketIO()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        devserver.serve(app, socketio)
    assert socketio.runs == [{"host": "127.0.0.1", "port": 5917, "allow_unsafe_werkzeug": True}]
    assert (SOCKETIO in caplog.text) is warned
