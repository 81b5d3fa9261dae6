"""The arrows of the architecture, checked on the source: the JSON views and the HTML views are two
faces over the same services. Neither face queries or writes the database itself, and neither
imports the other."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "vgk"


def _modules(folder):
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def _database_work(tree):
    """Uses of the database session (`db.session`, any `.commit()`): the services' job."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "session" and getattr(node.value, "id", None) == "db":
            found.append(f"line {node.lineno}: db.session")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
            found.append(f"line {node.lineno}: .commit()")
    return found


def test_the_checker_sees_database_work():
    work = _database_work(ast.parse("db.session.add(x)\nsession.commit()"))
    assert sorted(work) == ["line 1: db.session", "line 2: .commit()"]


def _face_problems(root):
    """What the faces must not do: import the other face (or SQLAlchemy, for the API) or touch the
    database session themselves."""
    problems = []
    for face, banned in (("api", ("vgk.web", "sqlalchemy")), ("web", ("vgk.api",)),
                         ("realtime", ("vgk.web", "vgk.api", "sqlalchemy"))):
        for path in sorted((root / face).rglob("*.py")):
            tree = ast.parse(path.read_text())
            where = path.relative_to(root).as_posix()
            problems += [f"{where}: imports {name}" for name in _imports(tree) if name.startswith(banned)]
            problems += [f"{where}: {found}" for found in _database_work(tree)]
    return problems


def test_neither_face_does_database_work_nor_imports_the_other():
    assert _face_problems(ROOT) == []


def test_the_face_rules_fail_on_a_planted_violation(tmp_path):
    (tmp_path / "web" / "shop").mkdir(parents=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "web" / "shop" / "views.py").write_text(
        "from vgk.extensions import db\nfrom vgk.api.base import ok\n"
        "def view():\n    db.session.rollback()\n")
    (tmp_path / "api" / "client.py").write_text(
        "from sqlalchemy import select\nfrom vgk.web.htmx import render\n"
        "def view(order):\n    order.query.session.commit()\n")
    assert _face_problems(tmp_path) == [
        "api/client.py: imports sqlalchemy",
        "api/client.py: imports vgk.web.htmx",
        "api/client.py: line 4: .commit()",
        "web/shop/views.py: imports vgk.api.base",
        "web/shop/views.py: line 4: db.session",
    ]


def test_what_both_faces_share_imports_neither_face():
    """vgk.edge (request reading, rate limits) is imported by both faces."""
    imports = list(_imports(ast.parse((ROOT / "edge.py").read_text())))
    assert [name for name in imports if name.startswith(("vgk.web", "vgk.api"))] == []


def _envelope_builders(root):
    """Modules that build the JSON error envelope themselves (a dict literal with a "success" key)."""
    builders = set()
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "success"
                                                  for k in node.keys):
                builders.add(path.relative_to(root).as_posix())
    return builders


def test_the_json_envelope_is_built_in_the_api_package_only():
    """Every JSON answer, the app-wide error handlers' included, is built by vgk.api.envelope; the one
    other `success` body is the reply to a payment provider's callback, which is its protocol, not ours."""
    outside_the_api = {where for where in _envelope_builders(ROOT) if not where.startswith("api/")}
    assert outside_the_api == {"web/shop/views.py"}


def _htmx_speakers(root):
    """Modules that read or set an htmx header (a string constant starting with "HX-")."""
    speakers = set()
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("HX-"):
                speakers.add(path.relative_to(root).as_posix())
    return speakers


def test_only_the_htmx_module_speaks_htmx_headers():
    """Reading HX-Request, HX-Target... and setting HX-Redirect... happens in vgk.web.htmx alone."""
    assert _htmx_speakers(ROOT) == {"web/htmx.py"}


def test_the_htmx_rule_fails_on_a_planted_violation(tmp_path):
    (tmp_path / "web" / "admin").mkdir(parents=True)
    (tmp_path / "web" / "htmx.py").write_text("HEADER = 'HX-Request'\n")
    (tmp_path / "web" / "admin" / "users.py").write_text(
        "def f(request):\n    return request.headers.get('HX-Target')\n")
    assert _htmx_speakers(tmp_path) == {"web/htmx.py", "web/admin/users.py"}


def test_services_know_nothing_of_requests_or_either_face():
    problems = []
    for path in _modules("services"):
        tree = ast.parse(path.read_text())
        for name in _imports(tree):
            if name.startswith(("vgk.web", "vgk.api")):
                problems.append(f"{path.name}: imports {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                bad = {alias.name for alias in node.names} & {"request", "session", "g"}
                if bad:
                    problems.append(f"{path.name}: imports {sorted(bad)} from flask")
    assert problems == []


# --- the faces reach outside services (payments, ...) only through services ---------------------------

# (face module, integration) pairs allowed to skip the services: none, every such import is a violation.
INTEGRATION_EXCEPTIONS: set[tuple[str, str]] = set()


def _integration_imports(tree, package="vgk"):
    """(line, module) for each vgk.integrations module imported by a module of `package`, however
    spelled: `import vgk.integrations.x`, `from vgk.integrations.x import y`, `from vgk.integrations
    import x`, `from vgk import integrations`, or relatively (`from ...integrations import x`)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative to the importing module's package
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            if module in ("vgk", "vgk.integrations"):
                names = [f"{module}.{alias.name}" for alias in node.names]
            else:
                names = [module]
        else:
            continue
        found += [(node.lineno, name) for name in names
                  if name == "vgk.integrations" or name.startswith("vgk.integrations.")]
    return sorted(found)


def _faces_importing_integrations(root):
    problems = []
    for face in ("web", "api"):
        for path in sorted((root / face).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            package = ".".join(["vgk", *path.relative_to(root).parent.parts])
            problems += [f"{where} line {line}: imports {name}"
                         for line, name in _integration_imports(ast.parse(path.read_text()), package)
                         if (where, name) not in INTEGRATION_EXCEPTIONS]
    return problems


def test_neither_face_imports_an_integration_but_through_a_service():
    assert _faces_importing_integrations(ROOT) == []


def test_the_integration_rule_fails_on_a_planted_violation(tmp_path):
    (tmp_path / "web" / "shop").mkdir(parents=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "web" / "shop" / "views.py").write_text(
        "from vgk.integrations.payments import SimulatedGateway\n"
        "def f():\n    import vgk.integrations.sms\n"
        "from ...integrations import mail\n"
        "from ..integrations import not_ours\n")  # vgk.web.integrations: not the adapters
    (tmp_path / "web" / "google.py").write_text(
        "from vgk.integrations.oauth import google_client\nfrom vgk.integrations import payments\n")
    (tmp_path / "api" / "auth.py").write_text("from vgk import integrations\n")
    assert _faces_importing_integrations(tmp_path) == [
        "web/google.py line 1: imports vgk.integrations.oauth",
        "web/google.py line 2: imports vgk.integrations.payments",
        "web/shop/views.py line 1: imports vgk.integrations.payments",
        "web/shop/views.py line 3: imports vgk.integrations.sms",
        "web/shop/views.py line 4: imports vgk.integrations.mail",
        "api/auth.py line 1: imports vgk.integrations",
    ]
