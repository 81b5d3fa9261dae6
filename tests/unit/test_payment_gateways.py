"""The payment gateways: Campay against a loopback fake of its HTTP API, the simulated gateway on files,
and the choice of gateway in create_app."""
import logging
import threading
import time

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import make_app
from tests.fakes.fixtures import campay_fake  # noqa: F401
from tests.servers import free_port
from vgk.integrations.payments import (
    CampayGateway,
    Collection,
    Gateway,
    PaymentError,
    Payout,
    SimulatedGateway,
    Transaction,
    campay_number,
    operator_for,
    payments_from_config,
)
from vgk.integrations.registry import adapters_of

MTN = "+237670000001"
ORANGE = "+237690000002"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def campay_for(fake, **overrides):
    settings = dict(base_url=fake.url, username=fake.username, password=fake.password,
                    webhook_key=fake.webhook_key, timeout=5)
    settings.update(overrides)
    return CampayGateway(**settings)


def collect(gateway, amount=12500, phone=MTN, external_reference="VGK-ORD-1"):
    return gateway.collect(amount=amount, phone=phone, description="Commande VGK-ORD-1 (2 articles)",
                           external_reference=external_reference)


# --- Campay: requests as documented ---------------------------------------------------------------

def test_a_collect_sends_the_documented_request_and_returns_the_collection(campay_fake):
    gateway = campay_for(campay_fake)
    collection = collect(gateway)

    assert isinstance(gateway, Gateway)
    assert isinstance(collection, Collection)
    assert collection.status == "PENDING"
    assert collection.reference in campay_fake.transactions
    assert (collection.operator, collection.ussd_code) == ("MTN", "*126#")
    assert collection.approve_url == ""

    token_request, collect_request = campay_fake.requests
    assert (token_request["method"], token_request["path"]) == ("POST", "/api/token/")
    assert token_request["json"] == {"username": campay_fake.username, "password": campay_fake.password}
    assert (collect_request["method"], collect_request["path"]) == ("POST", "/api/collect/")
    assert collect_request["headers"]["Authorization"].startswith("Token ")
    assert collect_request["headers"]["Content-Type"] == "application/json"
    assert collect_request["json"] == {
        "amount": "12500",  # a string, as documented
        "currency": "XAF",
        "from": "237670000001",  # no "+"
        "description": "Commande VGK-ORD-1 (2 articles)",
        "external_reference": "VGK-ORD-1",
    }


def test_an_orange_number_is_collected_through_orange(campay_fake):
    collection = collect(campay_for(campay_fake), phone="+237 655 00 00 03")
    assert collection.operator == "ORANGE"
    assert campay_fake.requests[-1]["json"]["from"] == "237655000003"


def test_the_token_is_fetched_once_and_reused(campay_fake):
    gateway = campay_for(campay_fake)
    reference = collect(gateway).reference
    gateway.transaction(reference)
    gateway.withdraw(amount=5000, phone=ORANGE, description="Versement", external_reference="VGK-PAY-1")

    assert campay_fake.count("/api/token/") == 1
    tokens = {r["headers"]["Authorization"] for r in campay_fake.requests if r["path"] != "/api/token/"}
    assert len(tokens) == 1


def test_a_token_is_renewed_shortly_before_it_expires(campay_fake):
    clock = Clock()
    gateway = campay_for(campay_fake, clock=clock)
    campay_fake.token_lifetime = 3600
    collect(gateway)
    clock.now += 3500  # still within its life, with the margin
    collect(gateway, external_reference="VGK-ORD-2")
    assert campay_fake.count("/api/token/") == 1
    clock.now += 60  # 3560 s: less than a minute left, renew before using it
    collect(gateway, external_reference="VGK-ORD-3")
    assert campay_fake.count("/api/token/") == 2
    assert all(r["headers"].get("Authorization") for r in campay_fake.requests if r["path"] == "/api/collect/")


def test_a_token_refused_with_401_is_renewed_once_and_the_call_retried(campay_fake):
    gateway = campay_for(campay_fake)
    collect(gateway)
    campay_fake.expire_tokens()  # Campay revoked it early

    collection = collect(gateway, external_reference="VGK-ORD-2")

    assert collection.reference in campay_fake.transactions
    assert campay_fake.paths() == [
        ("POST", "/api/token/"), ("POST", "/api/collect/"),
        ("POST", "/api/collect/"),  # 401
        ("POST", "/api/token/"), ("POST", "/api/collect/"),
    ]
    assert len(campay_fake.transactions) == 2  # the refused attempt created nothing


def test_a_second_401_is_a_payment_error_not_a_loop(campay_fake, monkeypatch):
    gateway = campay_for(campay_fake)
    monkeypatch.setattr(campay_fake, "_authorized", lambda request: False)
    with pytest.raises(PaymentError, match="HTTP 401"):
        collect(gateway)
    assert campay_fake.count("/api/token/") == 2
    assert campay_fake.count("/api/collect/") == 2


def test_concurrent_requests_share_one_token(campay_fake):
    gateway = campay_for(campay_fake)
    errors = []

    def pay(index):
        try:
            collect(gateway, external_reference=f"VGK-ORD-{index}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=pay, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert campay_fake.count("/api/token/") == 1
    assert len(campay_fake.transactions) == 6


@pytest.mark.parametrize("settled, expected", [("PENDING", "PENDING"), ("SUCCESSFUL", "SUCCESSFUL"),
                                               ("FAILED", "FAILED")])
def test_a_status_check_maps_the_transaction(campay_fake, settled, expected):
    gateway = campay_for(campay_fake)
    reference = collect(gateway).reference
    campay_fake.settle(reference, settled)

    transaction = gateway.transaction(reference)

    assert isinstance(transaction, Transaction)
    assert campay_fake.requests[-1]["method"] == "GET"
    assert campay_fake.requests[-1]["path"] == f"/api/transaction/{reference}/"
    assert transaction.reference == reference
    assert transaction.status == expected
    assert (transaction.amount, transaction.currency, transaction.operator) == (12500, "XAF", "MTN")
    assert transaction.external_reference == "VGK-ORD-1"
    if expected == "SUCCESSFUL":
        assert transaction.code.startswith("CP") and transaction.operator_reference.isdigit()


def test_amounts_sent_as_strings_are_understood(campay_fake):
    gateway = campay_for(campay_fake)
    reference = collect(gateway).reference
    campay_fake.transactions[reference].update(amount="12500", status="successful")
    transaction = gateway.transaction(reference)
    assert (transaction.amount, transaction.status) == (12500, "SUCCESSFUL")


@pytest.mark.parametrize("field, value", [("status", "MAYBE"), ("amount", "12,500"), ("amount", 12.5),
                                          ("amount", None), ("reference", "someone-else")])
def test_a_status_answer_that_makes_no_sense_is_a_payment_error(campay_fake, field, value):
    gateway = campay_for(campay_fake)
    reference = collect(gateway).reference
    campay_fake.transactions[reference][field] = value
    with pytest.raises(PaymentError):
        gateway.transaction(reference)


def test_an_unknown_reference_is_a_payment_error(campay_fake):
    with pytest.raises(PaymentError, match="HTTP 404"):
        campay_for(campay_fake).transaction("00000000-0000-0000-0000-000000000000")


@pytest.mark.parametrize("reference", ["../withdraw", "a/b", "x?y=1", "", None])
def test_a_reference_that_is_not_campays_is_refused_before_any_request(campay_fake, reference):
    with pytest.raises(PaymentError, match="not a Campay transaction reference"):
        campay_for(campay_fake).transaction(reference)
    assert campay_fake.requests == []


def test_a_withdrawal_sends_the_documented_request(campay_fake):
    gateway = campay_for(campay_fake)
    payout = gateway.withdraw(amount=8000, phone=ORANGE, description="Versement vendeur",
                              external_reference="VGK-PAY-7")

    assert isinstance(payout, Payout)
    assert payout.status == "PENDING"  # Campay answers with a reference; the status check says when it is paid
    request = campay_fake.requests[-1]
    assert (request["method"], request["path"]) == ("POST", "/api/withdraw/")
    assert request["json"] == {"amount": "8000", "currency": "XAF", "to": "237690000002",
                               "description": "Versement vendeur", "external_reference": "VGK-PAY-7"}
    campay_fake.settle(payout.reference, "SUCCESSFUL")
    assert gateway.transaction(payout.reference).status == "SUCCESSFUL"


def test_a_withdrawal_answered_with_a_status_keeps_it(campay_fake):
    campay_fake.withdraw_status = "SUCCESSFUL"
    payout = campay_for(campay_fake).withdraw(amount=8000, phone=ORANGE, description="Versement",
                                              external_reference="VGK-PAY-8")
    assert payout.status == "SUCCESSFUL"


def test_insufficient_balance_is_a_payment_error_with_campays_code(campay_fake):
    campay_fake.balance = 1000
    with pytest.raises(PaymentError, match="ER301"):
        campay_for(campay_fake).withdraw(amount=8000, phone=ORANGE, description="Versement",
                                         external_reference="VGK-PAY-9")


# --- Campay: failures -------------------------------------------------------------------------------

@pytest.mark.parametrize("credentials", [{"password": "not-the-password"}, {"username": "someone-else"}])
def test_wrong_credentials_are_a_payment_error(campay_fake, credentials):
    with pytest.raises(PaymentError, match="credentials") as caught:
        collect(campay_for(campay_fake, **credentials))
    assert "not-the-password" not in str(caught.value)
    assert campay_fake.count("/api/collect/") == 0


@pytest.mark.parametrize("path", ["/api/token/", "/api/collect/"])
def test_a_server_error_is_a_payment_error(campay_fake, path):
    campay_fake.fail_next(500, path=path)
    with pytest.raises(PaymentError, match="HTTP 500"):
        collect(campay_for(campay_fake))


def test_a_server_error_on_the_status_check_is_a_payment_error(campay_fake):
    gateway = campay_for(campay_fake)
    reference = collect(gateway).reference
    campay_fake.fail_next(503)
    with pytest.raises(PaymentError, match="HTTP 503"):
        gateway.transaction(reference)


@pytest.mark.parametrize("path", ["/api/token/", "/api/collect/"])
def test_a_timeout_is_a_payment_error_raised_in_time(campay_fake, path):
    campay_fake.timeout_delay = 1.5
    campay_fake.fail_next("timeout", path=path)
    started = time.monotonic()
    with pytest.raises(PaymentError, match="Timeout"):
        collect(campay_for(campay_fake, timeout=0.3))
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("kind, message", [("garbage", "not JSON"), ("unexpected", "unexpected")])
@pytest.mark.parametrize("path", ["/api/token/", "/api/collect/"])
def test_an_answer_that_is_not_what_campay_documents_is_a_payment_error(campay_fake, kind, message, path):
    campay_fake.fail_next(kind, path=path)
    with pytest.raises(PaymentError, match=message):
        collect(campay_for(campay_fake))


def test_a_collect_answer_without_reference_is_a_payment_error(campay_fake, monkeypatch):
    monkeypatch.setattr(campay_fake, "_collect", lambda payload: campay_fake._json({"ussd_code": "*126#"}))
    with pytest.raises(PaymentError, match="no reference"):
        collect(campay_for(campay_fake))


def test_campay_down_is_a_payment_error_raised_quickly():
    gateway = CampayGateway(f"http://127.0.0.1:{free_port()}", "vgk", "secret-password", "webhook-key-0123456789",
                            timeout=2)
    started = time.monotonic()
    with pytest.raises(PaymentError, match="ConnectionError"):
        collect(gateway)
    assert time.monotonic() - started < 2


def test_a_redirect_is_not_followed(campay_fake, monkeypatch):
    from werkzeug.utils import redirect

    monkeypatch.setattr(campay_fake, "_collect", lambda payload: redirect("/api/elsewhere/", 301))
    with pytest.raises(PaymentError, match="HTTP 301"):
        collect(campay_for(campay_fake))
    assert campay_fake.count("/api/elsewhere/") == 0


@pytest.mark.parametrize("amount", [0, -500, 12.5, "12500", True, None])
def test_a_bad_amount_is_refused_before_any_request(campay_fake, amount):
    with pytest.raises(PaymentError, match="amount"):
        collect(campay_for(campay_fake), amount=amount)
    assert campay_fake.requests == []


@pytest.mark.parametrize("phone", ["670000001", "237670000001", "+237220000001", "+33612345678",
                                   "+2376700000011", "", None])
def test_a_number_that_is_not_a_cameroonian_mobile_is_refused_before_any_request(campay_fake, phone):
    with pytest.raises(PaymentError, match="Cameroonian mobile") as caught:
        collect(campay_for(campay_fake), phone=phone)
    assert campay_fake.requests == []
    if phone:
        assert phone.lstrip("+") not in str(caught.value)  # masked


def test_a_number_campay_refuses_is_a_payment_error_without_the_full_number(campay_fake):
    with pytest.raises(PaymentError, match="ER102") as caught:
        collect(campay_for(campay_fake), phone="+237620000001")  # not MTN, not Orange
    assert "620000001" not in str(caught.value)


def test_errors_and_logs_never_carry_the_password_or_the_token(campay_fake, caplog):
    caplog.set_level(logging.DEBUG)
    gateway = campay_for(campay_fake)
    collect(gateway)
    campay_fake.fail_next(500, path="/api/collect/")
    with pytest.raises(PaymentError) as caught:
        collect(gateway, external_reference="VGK-ORD-2")
    token = campay_fake.requests[1]["headers"]["Authorization"].split()[1]
    for secret in (campay_fake.password, token, campay_fake.webhook_key):
        assert secret not in caplog.text
        assert secret not in str(caught.value)
        assert secret not in repr(gateway)
    assert "VGK-ORD-1" in caplog.text  # logged with the order's reference


# --- Campay: callbacks ------------------------------------------------------------------------------

def _paid(campay_fake):
    gateway = campay_for(campay_fake)
    reference = collect(gateway).reference
    campay_fake.settle(reference, "SUCCESSFUL")
    return gateway, reference


def test_a_genuine_callback_is_accepted(campay_fake):
    gateway, reference = _paid(campay_fake)
    params = campay_fake.callback(reference)
    assert gateway.verify_callback(params)
    assert gateway.verify_callback(MultiDict(params))  # as Flask hands over request.form / request.args


def test_a_genuine_signature_without_claims_about_the_callback_is_accepted(campay_fake):
    gateway, reference = _paid(campay_fake)
    assert gateway.verify_callback(campay_fake.callback(reference, claims={"iat": int(time.time())}))


def test_a_callback_signed_with_another_key_is_forged(campay_fake):
    gateway, reference = _paid(campay_fake)
    forged = campay_fake.sign({"reference": reference, "status": "SUCCESSFUL"}, key="a-guess-0123456789abcdef")
    assert not gateway.verify_callback(campay_fake.callback(reference, signature=forged))


def test_a_tampered_signature_is_forged(campay_fake):
    gateway, reference = _paid(campay_fake)
    header, claims, signature = campay_fake.callback(reference)["signature"].split(".")
    other_claims = campay_fake.sign({"reference": reference, "status": "FAILED"}).split(".")[1]
    forged = campay_fake.callback(reference, signature=f"{header}.{other_claims}.{signature}")
    assert not gateway.verify_callback(forged)
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert not gateway.verify_callback(campay_fake.callback(reference, signature=f"{header}.{claims}.{flipped}"))


def test_a_callback_whose_fields_contradict_the_signed_claims_is_forged(campay_fake):
    gateway, reference = _paid(campay_fake)
    other = collect(gateway, external_reference="VGK-ORD-2").reference
    assert not gateway.verify_callback(campay_fake.callback(reference, reference=other))
    assert not gateway.verify_callback(campay_fake.callback(reference, status="FAILED"))


@pytest.mark.parametrize("signature", [None, "", "   ", "not-a-jwt", "a.b.c", 42])
def test_a_missing_or_malformed_signature_is_forged(campay_fake, signature):
    gateway, reference = _paid(campay_fake)
    params = campay_fake.callback(reference)
    if signature is None:
        del params["signature"]
    else:
        params["signature"] = signature
    assert not gateway.verify_callback(params)
    assert not gateway.verify_callback({})


def test_an_expired_signature_is_refused(campay_fake):
    gateway, reference = _paid(campay_fake)
    stale = {"reference": reference, "status": "SUCCESSFUL", "iat": int(time.time()) - 7200,
             "exp": int(time.time()) - 3600}
    assert not gateway.verify_callback(campay_fake.callback(reference, claims=stale))


def test_an_unsigned_alg_none_token_is_refused(campay_fake):
    gateway, reference = _paid(campay_fake)
    unsigned = campay_fake.sign({"reference": reference, "status": "SUCCESSFUL"}, alg="none")
    assert not gateway.verify_callback(campay_fake.callback(reference, signature=unsigned))


def test_another_hmac_algorithm_is_refused(campay_fake):
    gateway, reference = _paid(campay_fake)
    hs512 = campay_fake.sign({"reference": reference, "status": "SUCCESSFUL"}, alg="HS512")
    assert not gateway.verify_callback(campay_fake.callback(reference, signature=hs512))


def test_without_a_webhook_key_every_callback_is_refused(campay_fake):
    gateway, reference = _paid(campay_fake)
    assert not campay_for(campay_fake, webhook_key=None).verify_callback(campay_fake.callback(reference))


# --- the simulated gateway ------------------------------------------------------------------------

@pytest.fixture
def simulated(tmp_path):
    return SimulatedGateway(tmp_path / "simulated-payments", "test-secret",
                            simulator_url=lambda reference: f"/simulateur/{reference}")


def test_simulated_collect_then_approve_is_successful(simulated, tmp_path):
    collection = collect(simulated)

    assert collection.status == "PENDING"
    assert collection.reference.startswith("SIM-")
    assert collection.approve_url == f"/simulateur/{collection.reference}"
    assert (collection.operator, collection.ussd_code) == ("MTN", "*126#")
    assert simulated.transaction(collection.reference).status == "PENDING"
    assert (tmp_path / "simulated-payments" / f"{collection.reference}.json").exists()

    approved = simulated.approve(collection.reference)

    transaction = simulated.transaction(collection.reference)
    assert transaction == approved
    assert transaction.status == "SUCCESSFUL"
    assert (transaction.amount, transaction.currency, transaction.operator) == (12500, "XAF", "MTN")
    assert transaction.external_reference == "VGK-ORD-1"
    assert transaction.code and transaction.operator_reference


def test_simulated_decline_is_failed_and_cannot_be_approved_afterwards(simulated):
    reference = collect(simulated).reference
    assert simulated.decline(reference).status == "FAILED"
    with pytest.raises(PaymentError, match="already FAILED"):
        simulated.approve(reference)
    with pytest.raises(PaymentError, match="already FAILED"):
        simulated.decline(reference)
    assert simulated.transaction(reference).status == "FAILED"


def test_simulated_approval_happens_once(simulated):
    reference = collect(simulated).reference
    simulated.approve(reference)
    with pytest.raises(PaymentError, match="already SUCCESSFUL"):
        simulated.approve(reference)
    with pytest.raises(PaymentError, match="already SUCCESSFUL"):
        simulated.decline(reference)


def test_simulated_racing_approve_and_decline_have_one_winner(simulated):
    for _ in range(5):
        reference = collect(simulated).reference
        outcomes = []

        def press(button, reference=reference, outcomes=outcomes):
            try:
                outcomes.append(getattr(simulated, button)(reference).status)
            except PaymentError:
                outcomes.append("refused")

        threads = [threading.Thread(target=press, args=(button,)) for button in ("approve", "decline") * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes).count("refused") == 5
        assert simulated.transaction(reference).status in outcomes


def test_simulated_transactions_survive_a_new_gateway(simulated, tmp_path):
    reference = collect(simulated).reference
    other_process = SimulatedGateway(tmp_path / "simulated-payments", "test-secret")
    other_process.approve(reference)
    assert simulated.transaction(reference).status == "SUCCESSFUL"
    assert [p.name for p in (tmp_path / "simulated-payments").iterdir() if not p.name.startswith(".")] == [
        f"{reference}.json"]  # no temporary file left behind


def test_simulated_unknown_or_hostile_references_are_refused(simulated, tmp_path):
    (tmp_path / "secret.json").write_text('{"reference": "x"}')
    for reference in ("SIM-doesnotexist12345678", "../secret", "SIM-../../secret", "", None):
        with pytest.raises(PaymentError, match="unknown"):
            simulated.transaction(reference)
        with pytest.raises(PaymentError, match="unknown"):
            simulated.approve(reference)


def test_simulated_withdrawal_succeeds_at_once_and_is_recorded(simulated):
    payout = simulated.withdraw(amount=8000, phone=ORANGE, description="Versement", external_reference="VGK-PAY-1")
    assert payout.status == "SUCCESSFUL"
    transaction = simulated.transaction(payout.reference)
    assert (transaction.status, transaction.amount, transaction.operator) == ("SUCCESSFUL", 8000, "ORANGE")
    with pytest.raises(PaymentError):
        simulated.approve(payout.reference)


@pytest.mark.parametrize("amount", [0, -1, 99.5, "1000", None])
def test_simulated_refuses_a_bad_amount(simulated, amount, tmp_path):
    with pytest.raises(PaymentError, match="amount"):
        collect(simulated, amount=amount)
    with pytest.raises(PaymentError, match="amount"):
        simulated.withdraw(amount=amount, phone=MTN, description="", external_reference="VGK-PAY-1")
    assert not (tmp_path / "simulated-payments").exists()


@pytest.mark.parametrize("phone", ["670000001", "+237220000001", "+33612345678", ""])
def test_simulated_refuses_a_number_that_is_not_a_cameroonian_mobile(simulated, phone):
    with pytest.raises(PaymentError, match="Cameroonian mobile"):
        collect(simulated, phone=phone)


def test_simulated_refuses_a_carrier_without_mobile_money_as_campay_does(simulated):
    with pytest.raises(PaymentError, match="unsupported carrier"):
        collect(simulated, phone="+237620000001")


def test_simulated_callback_round_trip(simulated):
    reference = collect(simulated).reference
    simulated.approve(reference)
    params = simulated.callback_for(reference)

    assert set(params) == {"status", "reference", "amount", "currency", "operator", "code", "operator_reference",
                           "external_reference", "signature"}
    assert (params["status"], params["amount"]) == ("SUCCESSFUL", "12500")
    assert simulated.verify_callback(params)
    assert simulated.verify_callback(MultiDict(params))  # as request.form
    assert simulated.verify_callback(simulated.sign_callback({"reference": reference, "status": "FAILED"}))


def test_simulated_forged_callbacks_are_refused(simulated, tmp_path):
    reference = collect(simulated).reference
    simulated.approve(reference)
    params = simulated.callback_for(reference)

    assert not simulated.verify_callback({**params, "amount": "1"})  # tampered field
    assert not simulated.verify_callback({**params, "extra": "x"})  # added field
    assert not simulated.verify_callback({k: v for k, v in params.items() if k != "signature"})
    assert not simulated.verify_callback({**params, "signature": ""})
    assert not simulated.verify_callback({**params, "signature": params["signature"].upper()})
    other_secret = SimulatedGateway(tmp_path / "simulated-payments", "another-secret")
    assert not other_secret.verify_callback(params)
    assert not simulated.verify_callback(other_secret.sign_callback(params))
    assert not simulated.verify_callback({})


def test_the_simulated_page_gets_the_details_it_shows(simulated):
    reference = collect(simulated, phone=ORANGE).reference
    details = simulated.details(reference)
    assert details["kind"] == "COLLECT"
    assert (details["amount"], details["operator"], details["phone"]) == (12500, "ORANGE", ORANGE)
    assert details["description"] == "Commande VGK-ORD-1 (2 articles)"


# --- shared rules ---------------------------------------------------------------------------------

def test_numbers_and_operators():
    assert campay_number("+237 6 70 00 00 01") == "237670000001"
    assert [operator_for(n) for n in ("+237670000001", "+237680000001", "+237650000001", "+237654000001",
                                      "+237690000001", "+237655000001", "+237659000001", "+237620000001")] == [
        "MTN", "MTN", "MTN", "MTN", "ORANGE", "ORANGE", "ORANGE", ""]


# --- through the application ----------------------------------------------------------------------

def test_without_campay_configuration_the_app_uses_the_simulated_gateway(tmp_path):
    media = tmp_path / "media"
    app = make_app(f"sqlite:///{tmp_path / 'p.sqlite3'}", str(media), CAMPAY_USERNAME=None,
                   SIMULATED_PAYMENTS_DIR=None)
    gateway = adapters_of(app).payments
    assert isinstance(gateway, SimulatedGateway)
    assert gateway.directory == tmp_path / "simulated-payments"  # beside MEDIA_ROOT

    reference = collect(gateway).reference
    assert (tmp_path / "simulated-payments" / f"{reference}.json").exists()


def test_the_simulated_directory_can_be_configured(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'p.sqlite3'}", str(tmp_path / "media"), CAMPAY_USERNAME=None,
                   SIMULATED_PAYMENTS_DIR=str(tmp_path / "elsewhere"))
    assert adapters_of(app).payments.directory == tmp_path / "elsewhere"


def test_without_a_simulator_url_a_simulated_collection_has_no_approve_url(tmp_path):
    gateway = SimulatedGateway(tmp_path / "simulated-payments", "test-secret")
    assert collect(gateway).approve_url == ""


def test_the_app_gives_the_simulated_gateway_the_path_of_its_phone_page(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'p.sqlite3'}", str(tmp_path / "media"), CAMPAY_USERNAME=None,
                   SIMULATED_PAYMENTS_DIR=str(tmp_path / "simulated-payments"))
    collection = collect(adapters_of(app).payments)
    assert collection.approve_url == f"/simulateur/{collection.reference}"


def test_with_campay_configuration_the_app_talks_to_campay(campay_fake, tmp_path):
    app = make_app(
        f"sqlite:///{tmp_path / 'p.sqlite3'}", str(tmp_path / "media"),
        CAMPAY_BASE_URL=campay_fake.url + "/",
        CAMPAY_USERNAME=campay_fake.username,
        CAMPAY_PASSWORD=campay_fake.password,
        CAMPAY_WEBHOOK_KEY=campay_fake.webhook_key,
    )
    gateway = adapters_of(app).payments
    assert isinstance(gateway, CampayGateway)
    assert gateway.base_url == campay_fake.url

    reference = collect(gateway).reference
    campay_fake.settle(reference, "SUCCESSFUL")
    assert gateway.verify_callback(campay_fake.callback(reference))
    assert gateway.transaction(reference).status == "SUCCESSFUL"


def test_payments_from_config_defaults():
    gateway = payments_from_config({"CAMPAY_USERNAME": "app", "CAMPAY_PASSWORD": "pw",
                                    "CAMPAY_WEBHOOK_KEY": "webhook-key-0123456789"})
    assert gateway.base_url == "https://demo.campay.net"
    assert gateway.timeout == 15


# --- card payments through a payment page ----------------------------------------------------------

def payment_link(gateway, amount=12500):
    return gateway.payment_link(amount=amount, description="Commande VGK-ORD-1", external_reference="CARD-abc",
                                redirect_url="https://vgk.example/commande/VGK-ORD-1/carte",
                                failure_redirect_url="https://vgk.example/commande/VGK-ORD-1/carte?echec=1")


def test_a_campay_payment_link_asks_for_the_card_page_and_returns_the_link(campay_fake):
    page = payment_link(campay_for(campay_fake))
    sent = campay_fake.requests[-1]
    assert (sent["method"], sent["path"]) == ("POST", "/api/get_payment_link/")
    assert sent["json"] == {"amount": "12500", "currency": "XAF", "description": "Commande VGK-ORD-1",
                            "external_reference": "CARD-abc", "payment_options": "CARD",
                            "redirect_url": "https://vgk.example/commande/VGK-ORD-1/carte",
                            "failure_redirect_url": "https://vgk.example/commande/VGK-ORD-1/carte?echec=1"}
    assert page.status == "PENDING" and page.reference == ""  # named by the callback
    assert page.approve_url.startswith(campay_fake.url + "/pay/")


@pytest.mark.parametrize("kind", ["unexpected", 500, "garbage"])
def test_a_campay_payment_link_failure_is_a_payment_error(campay_fake, kind):
    campay_fake.fail_next(kind, "/api/get_payment_link/")
    with pytest.raises(PaymentError):
        payment_link(campay_for(campay_fake))


def test_a_campay_payment_link_answer_without_a_link_is_a_payment_error(campay_fake, monkeypatch):
    monkeypatch.setattr(campay_fake, "_payment_link", lambda payload: campay_fake._json({"link": "javascript:x"}))
    with pytest.raises(PaymentError):
        payment_link(campay_for(campay_fake))


def test_a_simulated_card_page_is_paid_or_declined_once(simulated):
    page = payment_link(simulated)
    assert page.approve_url == f"/simulateur/{page.reference}"
    details = simulated.details(page.reference)
    assert details["kind"] == "CARD" and details["redirect_url"].endswith("/carte") and details["amount"] == 12500
    assert simulated.approve(page.reference).status == "SUCCESSFUL"
    with pytest.raises(PaymentError):
        simulated.decline(page.reference)
    assert simulated.transaction(page.reference).external_reference == "CARD-abc"
