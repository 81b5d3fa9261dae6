"""The adapters in vgk/integrations talk to outside services only: they import neither the models, the
services nor the database extension, and do no database work; the application hands them what they need
(the outbox keeper, the simulator's page path)."""
import ast
from pathlib import Path

from tests.unit.test_layers import _database_work, _imports

ROOT = Path(__file__).resolve().parents[2] / "vgk"
FORBIDDEN = ("vgk.models", "vgk.services", "vgk.extensions", "vgk.database", "flask_sqlalchemy", "sqlalchemy")


def _adapter_problems(root):
    problems = []
    for path in sorted((root / "integrations").rglob("*.py")):
        tree = ast.parse(path.read_text())
        where = path.relative_to(root).as_posix()
        problems += [f"{where}: imports {name}" for name in _imports(tree)
                     if name == "vgk" or any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)]
        problems += [f"{where}: {found}" for found in _database_work(tree)]
    return sorted(problems)


def test_adapters_neither_import_the_models_nor_write_them():
    assert _adapter_problems(ROOT) == []


def test_the_adapter_rule_fails_on_a_planted_violation(tmp_path):
    (tmp_path / "integrations").mkdir()
    (tmp_path / "integrations" / "sms.py").write_text(
        "def send():\n    from vgk.extensions import db\n    from vgk.models import OutboxMessage\n"
        "    db.session.add(OutboxMessage())\n    db.session.commit()\n")
    assert _adapter_problems(tmp_path) == [
        "integrations/sms.py: imports vgk.extensions",
        "integrations/sms.py: imports vgk.models",
        "integrations/sms.py: line 4: db.session",
        "integrations/sms.py: line 5: .commit()",
        "integrations/sms.py: line 5: db.session",
    ]
