"""Public ids go in URLs and CSV cells: never a leading "-" or "_" (an option, a formula to quote)."""
import base64
import re

import pytest

from vgk.models import base


@pytest.mark.parametrize("first_byte", range(256))
def test_no_first_byte_gives_a_leading_dash_or_underscore(first_byte):
    public_id = base.public_id_from(bytes([first_byte]) + b"\xff" * 8)
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{11}", public_id), public_id


def test_the_bytes_that_used_to_give_a_dash_or_an_underscore():
    assert base64.urlsafe_b64encode(b"\xf8" + bytes(8)).decode()[0] == "-"  # what token_urlsafe gave
    assert base.public_id_from(b"\xf8" + bytes(8)) == "eAAAAAAAAAAA"
    assert base.public_id_from(b"\xfc" + bytes(8)) == "fAAAAAAAAAAA"
    assert base.public_id_from(b"\x00" + bytes(8)) == "AAAAAAAAAAAA"


def test_new_public_id_uses_the_secure_source(monkeypatch):
    asked = []

    def token_bytes(count):
        asked.append(count)
        return b"\xff" * count

    monkeypatch.setattr(base.secrets, "token_bytes", token_bytes)
    assert base.new_public_id() == "f" + "_" * 11
    assert asked == [9]
