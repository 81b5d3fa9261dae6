"""One-time codes: hashed, expiring, single use, five tries then locked, sends rate-limited."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.errors import Invalid, RateLimited
from vgk.extensions import db
from vgk.models import CodePurpose, OneTimeCode
from vgk.models.base import utcnow
from vgk.services.accounts import otp

PHONE = "+237690112233"


def test_code_is_sent_and_only_its_hash_is_stored(app):
    otp.issue(CodePurpose.VERIFY_PHONE, PHONE)
    code = f.last_code(PHONE)
    stored = db.session.scalar(select(OneTimeCode))
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert otp.verify(CodePurpose.VERIFY_PHONE, PHONE, code).consumed_at is not None


def test_a_code_works_once(app):
    otp.issue(CodePurpose.VERIFY_PHONE, PHONE)
    code = f.last_code(PHONE)
    otp.verify(CodePurpose.VERIFY_PHONE, PHONE, code)
    with pytest.raises(Invalid):
        otp.verify(CodePurpose.VERIFY_PHONE, PHONE, code)


def test_an_expired_code_is_refused(app):
    otp.issue(CodePurpose.VERIFY_PHONE, PHONE)
    code = f.last_code(PHONE)
    entry = db.session.scalar(select(OneTimeCode))
    entry.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Invalid) as error:
        otp.verify(CodePurpose.VERIFY_PHONE, PHONE, code)
    assert error.value.fields == {"code": "expired"}


def test_a_code_for_another_purpose_or_number_is_refused(app):
    otp.issue(CodePurpose.VERIFY_PHONE, PHONE)
    code = f.last_code(PHONE)
    with pytest.raises(Invalid):
        otp.verify(CodePurpose.RESET_PASSWORD, PHONE, code)
    with pytest.raises(Invalid):
        otp.verify(CodePurpose.VERIFY_PHONE, "+237690112234", code)


def test_sixth_try_is_refused_even_with_the_right_code(app):
    otp.issue(CodePurpose.VERIFY_PHONE, PHONE)
    code = f.last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(Invalid):
            otp.verify(CodePurpose.VERIFY_PHONE, PHONE, wrong)
    with pytest.raises(RateLimited):
        otp.verify(CodePurpose.VERIFY_PHONE, PHONE, code)
    with pytest.raises(RateLimited):  # and no new code while locked
        otp.issue(CodePurpose.VERIFY_PHONE, PHONE)


def test_a_new_code_replaces_the_previous_one(app):
    otp.issue(CodePurpose.VERIFY_PHONE, PHONE)
    first = f.last_code(PHONE)
    otp.issue(CodePurpose.VERIFY_PHONE, PHONE)
    second = f.last_code(PHONE)
    if first != second:
        with pytest.raises(Invalid):
            otp.verify(CodePurpose.VERIFY_PHONE, PHONE, first)
    otp.verify(CodePurpose.VERIFY_PHONE, PHONE, second)


def test_twenty_rapid_requests_send_at_most_three_messages(app):
    refused = 0
    for _ in range(20):
        try:
            otp.issue(CodePurpose.VERIFY_PHONE, PHONE)
        except RateLimited:
            refused += 1
    assert len(f.outbox(PHONE)) == 3
    assert refused == 17


def test_email_codes_go_by_email(app):
    otp.issue(CodePurpose.SIGN_IN, "awa@example.cm", channel="EMAIL")
    message = f.outbox("awa@example.cm")[0]
    assert message.channel == "EMAIL" and message.subject
    otp.verify(CodePurpose.SIGN_IN, "awa@example.cm", f.last_code("awa@example.cm"))
