"""Every message to a person goes through the notification engine (vgk.services.notifications.notify): no
code outside the engine reaches a channel adapter (SMS, email, WhatsApp, push), sends with the old
send_sms/send_email, or writes an in-app notice with inbox.notify itself. Read from the source (ast)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VGK = ROOT / "vgk"
ENGINE = "vgk/services/notifications/"
ADAPTERS = "vgk/integrations/"  # the adapters themselves and their registry
CHANNELS = {"sms", "mail", "whatsapp", "push"}
CHANNEL_MODULES = {f"vgk.integrations.{name}" for name in CHANNELS}
OLD_SENDERS = {"send_sms", "send_email", "deliver_sms", "deliver_email"}



def _adapter_expression(node: ast.AST) -> bool:
    """`registry.sms()`, `registry.mail`, `registry.adapters_of().push`..."""
    if isinstance(node, ast.Call):
        node = node.func
    if not isinstance(node, ast.Attribute) or node.attr not in CHANNELS:
        return False
    base = node.value.func if isinstance(node.value, ast.Call) else node.value
    names = {n.id for n in ast.walk(base) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(base) if isinstance(n, ast.Attribute)}
    return "registry" in names


def _imports(tree: ast.AST) -> tuple[set[str], set[str], set[str]]:
    """(offending imports, names bound to vgk.services.messaging modules, names bound to adapters)."""
    found: set[str] = set()
    messaging_names, adapters = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "vgk.services.messaging":
            messaging_names |= {alias.asname or alias.name for alias in node.names}
        if isinstance(node, ast.ImportFrom) and node.module == "vgk.services.messaging.notifications":
            found |= {f"notifications.{alias.name}" for alias in node.names if alias.name in OLD_SENDERS}
        if isinstance(node, ast.ImportFrom) and node.module in CHANNEL_MODULES:
            found |= {f"{node.module}.{alias.name}" for alias in node.names
                      if alias.name[:1].isupper() and not alias.name.endswith("Error")}
        if isinstance(node, ast.Assign) and _adapter_expression(node.value):
            adapters |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return found, messaging_names, adapters


def offenders_in(source: str) -> set[str]:
    """What the module does that only the engine may do, as "name.attribute" strings."""
    tree = ast.parse(source)
    found, messaging_names, adapters = _imports(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if _adapter_expression(node):
            found.add(f"registry.{node.attr}")
        elif node.attr in ("send", "deliver") and (
                _adapter_expression(owner) or (isinstance(owner, ast.Name) and owner.id in adapters)):
            found.add(f"adapter.{node.attr}")
        elif isinstance(owner, ast.Name) and owner.id in messaging_names:
            if owner.id == "notifications" and node.attr in OLD_SENDERS:
                found.add(f"notifications.{node.attr}")
            if owner.id == "inbox" and node.attr == "notify":
                found.add("inbox.notify")
    return found


def _modules():
    for path in sorted(VGK.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if not name.startswith((ENGINE, ADAPTERS)):
            yield name, path.read_text(encoding="utf-8")


def test_only_the_engine_sends_messages():
    found = {f"{name}: {what}" for name, source in _modules() for what in offenders_in(source)}
    assert sorted(found) == []


@pytest.mark.parametrize("source, expected", [
    ("from vgk.services.messaging import notifications\nnotifications.send_sms('+237690000001', 'x')",
     {"notifications.send_sms"}),
    ("from vgk.services.messaging.notifications import send_email", {"notifications.send_email"}),
    ("from vgk.services.messaging import inbox\ninbox.notify(user, inbox.ORDER, 'x')", {"inbox.notify"}),
    ("from vgk.integrations import registry\nadapter = registry.sms()\nadapter.send('+2376', 'x')",
     {"registry.sms", "adapter.send"}),
    ("from vgk.integrations import registry\nregistry.adapters_of().push.deliver(message)",
     {"registry.push", "adapter.deliver"}),
    ("from vgk.integrations.mail import SmtpMail, MailError", {"vgk.integrations.mail.SmtpMail"}),
    ("from vgk.services.notifications import notify\nnotify(user, 'order.paid', {})", set()),
    ("from vgk.services.messaging import inbox\ninbox.page_for(user)", set()),
    ("from vgk.services.commerce import orders\norders.deliver(order, actor, code)", set()),
])
def test_the_check_sees_each_way_around_the_engine(source, expected):
    assert offenders_in(source) == expected
