"""Account rules: sign-up checks, sign-in with throttling and second factors, passwords, tablets, states."""
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from tests import factories as f
from vgk.errors import Forbidden, Invalid, RateLimited
from vgk.extensions import db
from vgk.models import AuthSession, ProductStatus, Role, TwoFactor, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts import google, passwords, people, personal, sessions, signin, signup, tablets, twofactor
from vgk.services.backoffice import directory


@pytest.mark.parametrize("raw", ["690112233", "6 90 11 22 33", "+237 6 90 11 22 33", "00237690112233", "237690112233"])
def test_cameroonian_mobile_numbers_are_normalised(app, raw):
    assert people.normalize_phone(raw) == "+237690112233"


@pytest.mark.parametrize("raw", ["", "12", "+33612345678", "222 22 22 22", "abc", "6" * 40])
def test_other_numbers_are_refused(app, raw):
    with pytest.raises(Invalid):
        people.normalize_phone(raw)


def test_registration_creates_an_unverified_client_and_sends_a_code(app):
    user = signup.register(name="  Awa   Bello ", phone="677 12 34 56", password="bonne-route-237",
                           email="Awa@Example.cm")
    assert (user.name, user.phone, user.email, user.role) == (
        "Awa Bello", "+237677123456", "awa@example.cm", Role.CLIENT)
    assert not user.phone_verified and check_password_hash(user.password_hash, "bonne-route-237")
    signup.verify_phone(user, f.last_code("+237677123456"))
    assert user.phone_verified


def test_registration_reports_every_bad_field_at_once(app):
    f.user(phone="+237677000001", email="pris@example.cm")
    with pytest.raises(Invalid) as error:
        signup.register(name="A", phone="+33612345678", password="court", email="pas-un-email")
    assert set(error.value.fields) == {"name", "phone", "password", "email"}
    with pytest.raises(Invalid) as error:
        signup.register(name="Awa", phone="677000001", password="bonne-route-237", email="PRIS@example.cm")
    assert set(error.value.fields) == {"phone", "email"}


@pytest.mark.parametrize("password", ["12345678", "azertyuiop", "aaaaaaaaaa", "court"])
def test_weak_passwords_are_refused(app, password):
    with pytest.raises(Invalid):
        people.check_password_strength(password)


def test_sign_in_by_phone_or_email(app):
    user = f.user(phone="+237690000111", email="eric@example.cm", password="mot-de-passe-sur")
    assert signin.authenticate("6 90 00 01 11", "mot-de-passe-sur") == user
    assert signin.authenticate("ERIC@example.cm", "mot-de-passe-sur") == user
    with pytest.raises(Invalid):
        signin.authenticate("eric@example.cm", "mauvais")
    with pytest.raises(Invalid):
        signin.authenticate("inconnu@example.cm", "mot-de-passe-sur")


def test_five_wrong_passwords_stop_that_source_not_the_account(app):
    user = f.user(email="lock@example.cm", password="mot-de-passe-sur")
    for _ in range(5):
        with pytest.raises(Invalid):
            signin.authenticate("lock@example.cm", "mauvais", ip="198.51.100.7")
    with pytest.raises(RateLimited):
        signin.authenticate("lock@example.cm", "mot-de-passe-sur", ip="198.51.100.7")
    assert signin.authenticate("lock@example.cm", "mot-de-passe-sur", ip="203.0.113.9") == user


def test_suspended_and_deleted_accounts_cannot_sign_in(app):
    suspended = f.user(email="s@example.cm", password="mot-de-passe-sur", status=UserStatus.SUSPENDED)
    with pytest.raises(Forbidden):
        signin.authenticate("s@example.cm", "mot-de-passe-sur")
    gone = f.user(email="d@example.cm", password="mot-de-passe-sur")
    personal.delete_account(gone)
    with pytest.raises(Invalid):
        signin.authenticate("d@example.cm", "mot-de-passe-sur")
    assert suspended.status == UserStatus.SUSPENDED


def test_totp_second_factor_with_replay_protection_and_recovery_codes(app, monkeypatch):
    # The authenticator's clock is held, so the code in use never changes window in the middle of the test.
    moment = datetime(2026, 12, 2, 8, 0, 10, tzinfo=UTC)
    monkeypatch.setattr(signin, "totp_clock", lambda: moment)
    user = f.user()
    sessions.start(user)
    ref = twofactor.start_totp_setup(user)
    secret = twofactor.pending_totp_secret(user, ref)
    current = pyotp.TOTP(secret).at(moment)
    with pytest.raises(Invalid):
        twofactor.enable_totp(user, ref, "000000" if current != "000000" else "111111")
    codes = twofactor.enable_totp(user, ref, current)
    assert user.two_factor == TwoFactor.TOTP and len(codes) == 10
    # the code used to enable it cannot be replayed to sign in
    with pytest.raises(Invalid):
        signin.verify_second_factor(user, current)
    user.totp_last_counter -= 2
    db.session.commit()
    assert signin.verify_second_factor(user, current) == user
    assert signin.verify_second_factor(user, codes[0]) == user
    with pytest.raises(Invalid):
        signin.verify_second_factor(user, codes[0])  # single use


def test_sixth_wrong_second_factor_is_refused_even_when_right(app):
    user = f.user(phone_verified_at=utcnow())
    sessions.start(user)
    twofactor.enable_code_factor(user, TwoFactor.SMS)
    signin.send_sign_in_code(user)
    code = f.last_code(user.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(Invalid):
            signin.verify_second_factor(user, wrong)
    with pytest.raises(RateLimited):
        signin.verify_second_factor(user, code)


def test_admins_and_staff_cannot_turn_the_second_factor_off(app):
    admin = f.user(role=Role.ADMIN, phone_verified_at=utcnow())
    sessions.start(admin)
    twofactor.enable_code_factor(admin, TwoFactor.SMS)
    with pytest.raises(Forbidden):
        twofactor.disable_two_factor(admin)
    client = f.user(phone_verified_at=utcnow())
    sessions.start(client)
    twofactor.enable_code_factor(client, TwoFactor.SMS)
    twofactor.disable_two_factor(client)
    assert client.two_factor is None


def test_password_reset_by_sms_code_revokes_sessions(app):
    user = f.user(phone="+237690000222", password="ancien-mot-de-passe")
    sessions.start(user)
    assert passwords.request_password_reset("690000222") == "sms"
    passwords.reset_password_with_code("690000222", f.last_code("+237690000222"), "nouveau-mot-de-passe")
    assert signin.authenticate("690000222", "nouveau-mot-de-passe") == user
    assert sessions.live_sessions(user) == []


def test_password_reset_link_is_single_use(app):
    user = f.user(email="lien@example.cm", password="ancien-mot-de-passe", email_verified_at=utcnow())
    assert passwords.request_password_reset("lien@example.cm") == "email"
    body = f.outbox("lien@example.cm")[0].body
    assert body.count("/mot-de-passe/lien/") == 1
    links = [body.split("/mot-de-passe/lien/")[1].split()[0]]
    passwords.reset_password_with_token(links[0], "nouveau-mot-de-passe")
    with pytest.raises(Invalid):
        passwords.reset_password_with_token(links[0], "encore-un-autre-mdp")
    with pytest.raises(Invalid):
        passwords.reset_password_with_token(links[0] + "x", "encore-un-autre-mdp")
    assert signin.authenticate("lien@example.cm", "nouveau-mot-de-passe") == user


def test_reset_request_for_unknown_account_says_nothing_and_sends_nothing(app):
    assert passwords.request_password_reset("personne@example.cm") is None
    assert f.outbox() == []


def test_change_password_keeps_only_the_current_session(app):
    user = f.user(password="ancien-mot-de-passe")
    other = sessions.start(user)
    current = sessions.start(user)
    with pytest.raises(Invalid):
        passwords.change_password(user, "faux", "nouveau-mot-de-passe")
    passwords.change_password(user, "ancien-mot-de-passe", "nouveau-mot-de-passe")
    assert [s.id for s in sessions.live_sessions(user)] == [current.id]
    assert sessions.load(other.public_id) is None


def test_sessions_are_revocable_only_by_their_owner(app):
    alice, bob = f.user(), f.user()
    alice_session = sessions.start(alice)
    sessions.revoke(bob, alice_session.public_id)
    assert sessions.load(alice_session.public_id) == alice
    sessions.revoke(alice, alice_session.public_id)
    assert sessions.load(alice_session.public_id) is None


def test_phone_change_needs_the_new_number_verified(app):
    user = f.user(phone="+237690000333", phone_verified_at=utcnow())
    sessions.start(user)
    new = signup.start_phone_change(user, "6 77 00 03 33")
    assert user.phone == "+237690000333"
    with pytest.raises(Invalid):
        signup.confirm_phone_change(user, new, "000000" if f.last_code(new) != "000000" else "111111")
    signup.confirm_phone_change(user, new, f.last_code(new))
    assert user.phone == "+237677000333" and user.phone_verified


def test_staff_tablet_unlock_with_pin(app):
    point = f.pickup_point()
    other_point = f.pickup_point()
    staff = f.user(role=Role.STAFF, pickup_point=point)
    stranger = f.user(role=Role.STAFF, pickup_point=other_point)
    tablets.set_pin(staff, "482915")
    token = tablets.enroll_device(staff)
    device = tablets.device_for_token(token)
    assert tablets.unlock_with_pin(device, staff.public_id, "482915") == staff
    with pytest.raises(Invalid):
        tablets.unlock_with_pin(device, stranger.public_id, "482915")
    for _ in range(5):
        with pytest.raises(Invalid):
            tablets.unlock_with_pin(device, staff.public_id, "000000")
    with pytest.raises(RateLimited):
        tablets.unlock_with_pin(device, staff.public_id, "482915")
    with pytest.raises(Forbidden):
        tablets.enroll_device(f.user())


@pytest.mark.parametrize("pin", ["12345", "1234567", "abcdef", "111111", "123456"])
def test_weak_or_malformed_pins_are_refused(app, pin):
    with pytest.raises(Invalid):
        tablets.set_pin(f.user(role=Role.STAFF), pin)


def test_google_identity_links_to_the_verified_email_or_creates_an_account(app):
    existing = f.user(email="fanta@example.cm", email_verified_at=utcnow())
    linked = google.sign_in_with_google({"sub": "g-1", "email": "Fanta@example.cm", "email_verified": True})
    assert linked == existing and existing.google_sub == "g-1"
    assert google.sign_in_with_google({"sub": "g-1", "email": "autre@example.cm", "email_verified": True}) == existing
    created = google.sign_in_with_google(
        {"sub": "g-2", "email": "new@example.cm", "email_verified": True, "name": "Nouvelle"})
    assert created.email == "new@example.cm" and created.email_verified_at is not None and created.role == Role.CLIENT
    with pytest.raises(Invalid):
        google.sign_in_with_google({"sub": "g-3", "email": "fanta@example.cm", "email_verified": False})


def test_deleting_an_account_erases_personal_data_and_archives_listings(app):
    user = f.user(name="Paul Biya Jr", email="paul@example.cm", phone="+237690000444")
    listing = f.product(seller=user)
    sessions.start(user)
    personal.delete_account(user)
    assert (user.name, user.email, user.phone, user.password_hash) == ("Compte supprimé", None, None, None)
    assert user.status == UserStatus.DELETED and listing.status == ProductStatus.ARCHIVED
    assert db.session.scalar(select(AuthSession).where(AuthSession.revoked_at.is_(None))) is None


def test_suspension_revokes_sessions_and_reinstatement_restores_sign_in(app):
    user = f.user(email="susp@example.cm", password="mot-de-passe-sur")
    live = sessions.start(user)
    directory.suspend(None, user)
    assert sessions.load(live.public_id) is None
    directory.reinstate(None, user)
    assert signin.authenticate("susp@example.cm", "mot-de-passe-sur") == user


def test_an_abandoned_unverified_sign_up_does_not_hold_the_number_forever(app):
    first = signup.register(name="Squatteur", phone="677 55 44 33", password="bonne-route-237")
    with pytest.raises(Invalid):  # still fresh: the number is taken
        signup.register(name="Vrai Proprio", phone="677 55 44 33", password="bonne-route-238")
    first.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    owner = signup.register(name="Vrai Proprio", phone="677 55 44 33", password="bonne-route-238")
    assert owner.phone == "+237677554433"
    verified = f.user(phone="+237677554434", phone_verified_at=utcnow(), created_at=utcnow() - timedelta(days=3))
    with pytest.raises(Invalid):  # a verified account is never released
        signup.register(name="Autre", phone="677554434", password="bonne-route-239")
    assert verified.status == UserStatus.ACTIVE


def test_reset_emails_are_limited_per_address_without_saying_so(app):
    f.user(email="flood@example.cm", password="ancien-mot-de-passe", email_verified_at=utcnow())
    for _ in range(10):
        assert passwords.request_password_reset("flood@example.cm") == "email"
    assert len(f.outbox("flood@example.cm")) == 3


def test_a_google_only_account_can_set_its_first_password(app):
    user = google.sign_in_with_google({"sub": "g-9", "email": "g9@example.cm", "email_verified": True})
    sessions.start(user, method="google")
    passwords.change_password(user, "", "premier-mot-de-passe")
    assert signin.authenticate("g9@example.cm", "premier-mot-de-passe") == user
