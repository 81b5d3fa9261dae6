"""`flask create-admin`: the operator creates an administrator account on the server (the first one, or
another), interactively or from options; the password is typed twice without echo, or read from standard
input (--password-stdin), never given on the command line. The rules (a phone or an email address, checked
and free like at sign-up, a strong password, the audit entry) are the service's: directory.create_admin."""
import sys

import click
from flask import current_app
from flask_babel import force_locale

from vgk.errors import Invalid
from vgk.services.accounts.people import format_phone
from vgk.services.backoffice import directory
from vgk.urls import public_url


def ask_identity(name, phone, email, password_stdin):
    """(name, phone, email, password): what the options gave, the rest asked for (never when the
    password comes from standard input: then the options must say it all)."""
    if password_stdin:
        if not name or not (phone or email):
            raise click.UsageError("With --password-stdin, give --name and --phone or --email (or both).")
        if sys.stdin.isatty():  # typed there, it would show on the screen
            raise click.UsageError("--password-stdin reads a pipe (printf '%s\\n' \"$PASSWORD\" | flask ...); "
                                   "leave it out to be asked for the password without echo.")
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.UsageError("--password-stdin: standard input gave no password.")
        return name, phone, email, password
    name = name or click.prompt("Name")
    if phone is None and email is None:
        phone = click.prompt("Mobile number (+237 6XX XX XX XX, Enter to skip)", default="", show_default=False)
        email = click.prompt("Email address (Enter to skip)", default="", show_default=False)
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return name, phone, email, password


def refusal(error):
    """The service's refusal (made in English): one line per field in error, else its message."""
    if not error.fields:
        return str(error.message)
    return "\n".join(f"  {field}: {message}" for field, message in error.fields.items())


def _link(endpoint, fallback):
    try:
        return public_url(endpoint)
    except RuntimeError:  # PUBLIC_URL not configured
        return fallback


def next_steps(user):
    """What the new administrator does next: sign in (a code confirms it), then turn on a second factor."""
    destination = (f"by SMS to {format_phone(user.phone)}" if user.phone else f"by email to {user.email}")
    return "\n".join([
        f"Administrator account created for {user.name} ({user.public_id}).",
        "Next steps:",
        f"  1. Sign in at {_link('auth.login', '/connexion')} with "
        f"{'the phone number' if user.phone else 'the email address'} and this password.",
        f"  2. A one-time code is sent {destination} to confirm that first sign-in"
        + (" (here: in the outbox, /dev/outbox)." if current_app.config.get("DEV_TOOLS") else "."),
        "  3. Admins must protect their account with a second factor: the administration stays closed until",
        f"     one is turned on in My account > Security ({_link('account.security', '/compte/securite')}):",
        "     an authenticator app, or codes by SMS or email.",
    ])


def register(app):
    @app.cli.command("create-admin")
    @click.option("--name", help="The administrator's name (asked when missing).")
    @click.option("--phone", help="Their Cameroonian mobile number; a phone, an email or both.")
    @click.option("--email", help="Their email address.")
    @click.option("--password-stdin", is_flag=True,
                  help="Read the password from the first line of standard input (never from the command line).")
    def create_admin(name, phone, email, password_stdin):
        """Create an administrator account; asks for what the options do not give."""
        name, phone, email, password = ask_identity(name, phone, email, password_stdin)
        try:
            with force_locale("en"):  # the operator reads the refusal in English, like the rest of the CLI
                user = directory.create_admin(name=name, phone=phone or None, email=email or None,
                                              password=password)
        except Invalid as error:
            raise click.ClickException(f"No account created:\n{refusal(error)}") from None
        click.echo(next_steps(user))
