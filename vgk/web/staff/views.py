"""Staff portal views: the tablet lock screen and PIN unlock, the idle lock, the pickup point's work
(items expected from sellers, orders to hand over, the stock held, the day's report).

A shared tablet is remembered by the long-lived `vgk_tablet` cookie, set by the sign-in views after a
staff member's full sign-in (password and second factor). Staff known on that tablet unlock it with
their PIN. It locks again after STAFF_IDLE_SECONDS without a request from the staff session, on any
page it can open (/staff, /compte, ...: checked before every request here), or without input on the
screen (static/js/staff.js then posts the lock form). Signing out or locking is a POST with its CSRF
token; opening the lock screen never signs anyone out. A locked tablet opening a staff page gets the
lock screen. Staff never get a remember-me cookie, and a staff session restored from one is ended
(web/auth), so reopening the browser after any idle time shows the lock screen too.
"""
import time
from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from vgk.edge import auth_limit, client_ip, code_limit
from vgk.errors import DomainError
from vgk.extensions import limiter
from vgk.inputs import parse_day
from vgk.models import Role, UserStatus
from vgk.security import public, roles_required
from vgk.services.accounts import sessions, signin, tablets
from vgk.services.commerce import pickup
from vgk.web import htmx
from vgk.web.staff import bp
from vgk.web.staff.forms import PinForm, UnlockForm

TABLET_COOKIE = "vgk_tablet"


# --- guards ------------------------------------------------------------------------------------

def lock_tablet():
    """End this browser's sign-in session and forget everything in it but the language.
    The tablet cookie stays: the next person unlocks with their PIN."""
    if current_user.is_authenticated:
        sessions.end(current_user)
    lang = session.get("lang")
    session.clear()
    logout_user()
    if lang:
        session["lang"] = lang


def _idle_too_long():
    seen = session.get("staff_seen")
    if seen is None or session.get("staff_sid") != current_user.get_id():
        return False  # first staff request of this sign-in session
    try:
        idle = time.time() - float(seen)
    except (TypeError, ValueError):
        return True
    return idle > current_app.config.get("STAFF_IDLE_SECONDS", 300)


# Requests that neither count as activity nor get locked: files, the app's API (bearer tokens, no
# browser session), and the lock/unlock actions themselves (they end the current session anyway).
_NOT_ACTIVITY = ("/static/", "/mobile/api/", "/socket.io")
_LOCK_ENDPOINTS = ("static", "staff.unlock", "staff.switch_user")


@bp.before_app_request
def idle_lock():
    """The idle lock covers every page a staff session can open, not only the staff portal."""
    if request.endpoint is None or request.endpoint in _LOCK_ENDPOINTS or request.path.startswith(_NOT_ACTIVITY):
        return None
    if not current_user.is_authenticated or current_user.role != Role.STAFF:
        return None
    if _idle_too_long():
        current_app.logger.info("staff %s: tablet locked after idling", current_user.public_id)
        lock_tablet()
        flash(_("La tablette s'est verrouillée après une période sans activité."), "warn")
        return htmx.redirect(url_for("staff.lock_screen"))
    session["staff_seen"] = time.time()
    session["staff_sid"] = current_user.get_id()
    return None


def staff_required(view=None, *, needs_pin=True):
    """STAFF only (roles_required), plus the tablet rules: a second factor, a PIN; a locked tablet
    (no session, but the tablet cookie) gets the lock screen rather than the sign-in page."""

    def decorator(view):
        @wraps(view)
        def tablet_checks(*args, **kwargs):
            if current_user.two_factor is None:
                flash(_("Activez d'abord la double authentification pour accéder à l'espace du personnel."), "error")
                return htmx.redirect(url_for("account.security"))
            if needs_pin and not current_user.pin_hash:
                flash(_("Choisissez votre code PIN pour déverrouiller les tablettes du point relais."), "warn")
                return htmx.redirect(url_for("staff.pin"))
            return view(*args, **kwargs)

        staff_only = roles_required(Role.STAFF)(tablet_checks)

        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated and _tablet() is not None:
                return htmx.redirect(url_for("staff.lock_screen"))
            return staff_only(*args, **kwargs)

        guarded.access = Role.STAFF  # what roles_required(Role.STAFF) declares
        return guarded

    return decorator(view) if view is not None else decorator


@bp.after_request
def never_store(response):
    # A shared tablet: no page of this portal, not even the lock screen, may be kept by a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


# --- lock screen and unlock --------------------------------------------------------------------

def _tablet():
    return tablets.device_for_token(request.cookies.get(TABLET_COOKIE))


def _known_staff(device):
    """The names offered on the lock screen: active staff of this tablet's pickup point."""
    return [
        user for user in device.users
        if user.role == Role.STAFF and user.status == UserStatus.ACTIVE
        and user.pickup_point_id == device.pickup_point_id
    ]


def _lock_screen(device, form=None, error=None, status=200):
    staff = _known_staff(device) if device is not None else []
    return render_template(
        "staff/lock.html",
        device=device,
        staff=staff,
        form=form or UnlockForm(),
        error=error,
        login_url=url_for("auth.login", next=url_for("staff.home")),
    ), status


@bp.get("/verrou")
@public
def lock_screen():
    # Opening this page never signs anyone out (a link or a prefetch must not): locking is the POST
    # of /staff/changer, which the bar's button and staff.js's idle timer send with the CSRF token.
    return _lock_screen(_tablet())


@bp.post("/deverrouiller")
@public
@limiter.limit(auth_limit)
def unlock():
    device = _tablet()
    if device is None:
        return _lock_screen(None, status=400)
    form = UnlockForm()
    if not form.validate_on_submit():
        message = next(iter(form.user.errors or form.pin.errors), None)
        return _lock_screen(device, form, error=message, status=400)
    try:
        user = tablets.unlock_with_pin(device, form.user.data, form.pin.data)
    except DomainError as error:
        return _lock_screen(device, form, error=str(error.message), status=error.status_code)
    lock_tablet()  # whoever was signed in on this browser is signed out first
    signin.sign_in(user, ip=request.remote_addr or "", user_agent=request.user_agent.string, method="pin")
    login_user(user)
    session["staff_seen"] = time.time()
    session["staff_sid"] = user.get_id()
    current_app.logger.info("staff %s unlocked tablet %s with a PIN", user.public_id, device.id)
    return redirect(url_for("staff.home"))


@bp.post("/changer")
@public
def switch_user():
    # Locking is harmless for anyone, so it works even when the session already ended elsewhere.
    if current_user.is_authenticated and current_user.role == Role.STAFF:
        lock_tablet()
    return htmx.redirect(url_for("staff.lock_screen"))


# --- the staff member's own PIN ------------------------------------------------------------------

@bp.route("/pin", methods=["GET", "POST"])
@staff_required(needs_pin=False)
def pin():
    form = PinForm()
    errors = {}
    if form.validate_on_submit():
        try:
            tablets.set_pin(
                current_user, form.pin.data, current_pin=form.current.data, require_current=_unlocked_by_pin()
            )
        except DomainError as error:
            errors["current" if "current_pin" in error.fields else "pin"] = str(error.message)
        else:
            flash(_("Votre code PIN est enregistré."), "ok")
            return redirect(url_for("staff.home"))
    elif form.is_submitted():
        errors = {name: field.errors[0] for name, field in (("pin", form.pin), ("confirm", form.confirm))
                  if field.errors}
    status = 400 if errors else 200
    return render_template(
        "staff/pin.html", form=form, errors=errors, has_pin=bool(current_user.pin_hash),
        ask_current=bool(current_user.pin_hash) and _unlocked_by_pin(),
    ), status


def _unlocked_by_pin():
    auth_session = current_user.auth_session
    return auth_session is not None and auth_session.method == "pin"


# --- the pickup point's work ----------------------------------------------------------------------

def _point():
    """The signed-in staff member's pickup point: staff only ever see and act on their own."""
    point = current_user.pickup_point
    if point is None:
        abort(404)
    return point


def _work(point):
    return dict(point=point, dropoffs=pickup.expected_dropoffs(point), pickups=pickup.expected_pickups(point),
                held=pickup.held_items(point))


@bp.get("", strict_slashes=False)  # "/staff/", as people type it, is the desk too
@staff_required
def home():
    point = current_user.pickup_point
    if point is None:
        return render_template("staff/home.html", point=None)
    return render_template("staff/home.html", **_work(point))


@bp.post("/depots/<reference>/<item_id>")
@staff_required
def receive(reference, item_id):
    """A seller brings an item: staff accept it ("Reçu") or refuse it with a reason."""
    point = _point()
    if not (str(item_id).isascii() and str(item_id).isdigit()):
        abort(404)
    accepted = request.form.get("decision", "accept") != "refuse"
    reason = request.form.get("reason", "")
    try:
        order = pickup.receive_item(current_user, point, reference, int(item_id), accepted=accepted, reason=reason,
                                    ip=client_ip())
    except DomainError as error:
        message, status = str(error.message), error.status_code
        if htmx.is_htmx():
            item = next((i for i in pickup.expected_dropoffs(point)
                         if i.id == int(item_id) and i.order.reference == str(reference).strip().upper()), None)
            return render_template("staff/_dropoff_done.html", item=item, item_id=item_id, error=message,
                                   reason=reason, **_work(point)), status
        return render_template("staff/home.html", error=message, **_work(point)), status
    notice = pickup.receipt_notice(order, accepted)
    current_app.logger.info("staff %s %s item %s of order %s", current_user.public_id,
                            "received" if accepted else "refused", item_id, order.reference)
    if htmx.is_htmx():
        return render_template("staff/_dropoff_done.html", item=None, item_id=item_id, notice=notice, **_work(point))
    flash(notice, "ok")
    return redirect(url_for("staff.home"))


@bp.route("/retrait", methods=["GET", "POST"])
@staff_required
def handover():
    """The buyer collects: their order reference and 6-digit code; cash is taken for a cash order."""
    point = _point()
    pickups = pickup.expected_pickups(point)
    source = request.form if request.method == "POST" else request.args
    reference = " ".join(source.get("reference", "").split()).upper()[:16]
    code = "".join(source.get("code", "").split())[:12] if request.method == "POST" else ""
    cash = source.get("cash") == "1"
    error, status, fields = None, 200, {}
    if request.method == "POST":
        try:
            order = pickup.hand_over(current_user, point, reference, code, cash_received=cash,
                                     ip=client_ip())
        except DomainError as failure:
            error, status, fields = str(failure.message), failure.status_code, dict(failure.fields)
            current_app.logger.info("staff %s handover of %s refused (%s)", current_user.public_id, reference,
                                    failure.code)
        else:
            current_app.logger.info("staff %s handed over order %s", current_user.public_id, order.reference)
            flash(_("Commande %(ref)s remise à l’acheteur.", ref=order.reference), "ok")
            return redirect(url_for("staff.home"))
    chosen = next((o for o in pickups if o.reference == reference), None)
    return render_template("staff/handover.html", point=point, pickups=pickups, reference=reference,
                           code=code if fields.get("cash") else "", chosen=chosen, error=error, fields=fields), status


@bp.post("/retrait/code")
@limiter.limit(code_limit)
@staff_required
def resend_code():
    """The buyer lost their code, or wrong codes locked it: a new one goes to the order's phone."""
    point = _point()
    reference = " ".join(request.form.get("reference", "").split()).upper()[:16]
    try:
        order = pickup.resend_code(current_user, point, reference, ip=client_ip())
    except DomainError as failure:
        return render_template("staff/handover.html", point=point, pickups=pickup.expected_pickups(point),
                               reference=reference, code="", chosen=None, error=str(failure.message),
                               fields={}), failure.status_code
    current_app.logger.info("staff %s re-sent the handover code of %s", current_user.public_id, order.reference)
    flash(_("Nouveau code envoyé par SMS à l’acheteur de la commande %(ref)s.", ref=order.reference), "ok")
    return redirect(url_for("staff.handover", reference=order.reference), 303)


def _day(value):
    """The chosen day; a malformed or out-of-range one is ignored (today's report)."""
    return parse_day(value, "jour", strict=False)


@bp.get("/rapport")
@staff_required
def report():
    point = _point()
    summary = pickup.day_report(point, _day(request.args.get("jour")))
    return render_template("staff/report.html", point=point, report=summary)
