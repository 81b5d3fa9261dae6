"""`flask create-admin`: the operator creates an administrator on the server, who then signs in with a
code and must turn on a second factor before the administration opens."""
import re

from sqlalchemy import func, select

from tests import factories as f
from vgk.extensions import db
from vgk.models import Role, TwoFactor, User
from vgk.models.audit import AuditEntry
from vgk.models.base import utcnow

PASSWORD = "Kamer-admin-2026"


def create_admin(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["create-admin", *args], input=input)


def admins():
    return db.session.scalars(select(User).where(User.role == Role.ADMIN)).all()


def post(client, url, data):
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post(url, data={"csrf_token": token, **data})


def test_interactive_admin_signs_in_with_a_code_then_must_turn_on_a_second_factor(app, client):
    result = create_admin(app, input=f"Awa Bello\n6 77 11 22 33\n\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed without echo
    assert "Administrator account created for Awa Bello" in result.output
    assert "code is sent by SMS to +237 677 11 22 33 to confirm that first sign-in (here: in the outbox" \
        in result.output
    assert "http://localhost/compte/securite" in result.output

    [admin] = admins()
    assert admin.phone == "+237677112233" and admin.email is None and admin.two_factor is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "admin.create"))
    assert (entry.actor_id, entry.ip, entry.object_id) == (None, "system/cli", admin.public_id)

    response = post(client, "/connexion", {"identifier": "677112233", "password": PASSWORD})
    assert response.headers["Location"] == "/connexion/code"  # the password alone is not enough
    response = post(client, "/connexion/code", {"code": f.last_code("+237677112233")})
    assert response.headers["Location"] == "/compte/securite"
    administration = client.get("/admin")
    assert administration.status_code == 302 and administration.headers["Location"] == "/compte/securite"


def test_from_options_with_the_password_on_standard_input(app):
    result = create_admin(app, "--name", "Jean Mbarga", "--email", "Jean@Example.CM", "--password-stdin",
                          input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output  # nothing asked
    assert "code is sent by email to jean@example.cm" in result.output
    [admin] = admins()
    assert admin.email == "jean@example.cm" and admin.phone is None and admin.email_verified_at is not None


def test_options_must_say_it_all_when_the_password_comes_from_standard_input(app):
    result = create_admin(app, "--name", "Jean Mbarga", "--password-stdin", input=f"{PASSWORD}\n")
    assert result.exit_code == 2 and "give --name and --phone or --email" in result.output
    assert admins() == []


def test_a_phone_or_an_address_already_used_is_refused(app):
    f.user(phone="+237677112233", email="awa@example.cm")
    for option, value, message in (("--phone", "677112233", "phone: This number is already used by an account."),
                                   ("--email", "AWA@example.cm", "email: This email address is already used")):
        result = create_admin(app, "--name", "Awa Bello", option, value, "--password-stdin", input=f"{PASSWORD}\n")
        assert result.exit_code == 1, result.output
        assert "No account created" in result.output and message in result.output
    assert admins() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_weak_password_and_bad_phone_are_refused_in_plain_words(app):
    result = create_admin(app, input="Awa Bello\n12\n\nazertyuiop\nazertyuiop\n")
    assert result.exit_code == 1
    assert "phone: Enter a valid Cameroonian number (+237 6XX XX XX XX)." in result.output
    assert "password: This password is too easy to guess." in result.output
    result = create_admin(app, input="Awa Bello\n\n\nKamer-admin-2026\nKamer-admin-2026\n")
    assert result.exit_code == 1 and "phone: Enter a phone number or an email address." in result.output
    assert admins() == []


def test_the_journal_names_the_system_as_the_author(app, client):
    create_admin(app, "--name", "Awa Bello", "--phone", "677112233", "--password-stdin", input=f"{PASSWORD}\n")
    reader = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, reader)
    html = client.get("/admin/journal?action=admin.create").get_data(as_text=True)
    assert "Le système (commande sur le serveur)" in html and "system/cli" not in html
