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
    assert sorted(_database_work(ast.parse("db.session.add(x)\nsession.commit()"))) == ["line 1: db.session", "line 2: .commit()"]


def test_the_json_api_does_no_database_work_and_never_imports_the_html_views():
    problems = []
    for path in _modules("api"):
        tree = ast.parse(path.read_text())
        imports = list(_imports(tree))
        problems += [f"{path.name}: imports {name}" for name in imports
                     if name.startswith(("vgk.web", "sqlalchemy"))]
        problems += [f"{path.name}: {where}" for where in _database_work(tree)]
    assert problems == []


def test_the_html_views_never_import_the_json_api():
    problems = []
    for path in _modules("web"):
        tree = ast.parse(path.read_text())
        problems += [f"{path.relative_to(ROOT)}: imports {name}" for name in _imports(tree) if name.startswith("vgk.api")]
    assert problems == []


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
