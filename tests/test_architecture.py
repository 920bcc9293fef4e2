"""The layering rules of ARCHITECTURE.md, checked on the source: dependencies point one way,
the kernel imports no business app, and no module grows past what a reader keeps in mind."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["procurement", "notifications", "framework_agreements", "teams", "orders"]
BUSINESS = {"framework_agreements", "teams", "orders"}
KERNEL = [
    "procurement/models.py",
    "procurement/roles.py",
    "procurement/money.py",
    "procurement/xlsx.py",
    "procurement/actions.py",
    "procurement/web.py",
    "procurement/uploads.py",
    "procurement/pdf.py",
    "procurement/templatetags",
]
MAX_LINES = 400


def _imports(path):
    """Top-level packages a file imports (relative imports stay in their app)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _files(relative):
    path = ROOT / relative
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def _app_imports(app):
    return set().union(*(_imports(p) for p in _files(app))) & (BUSINESS - {app})


def test_framework_agreements_imports_neither_orders_nor_teams():
    assert _app_imports("framework_agreements") == set()


def test_the_outbox_knows_no_business_app():
    """Notifications serve every kind of order: what an e-mail proves once sent is applied by a
    dotted path the business app gives (on_sent), never by an import."""
    assert _app_imports("notifications") == set()


def test_teams_never_imports_orders():
    assert _app_imports("teams") <= {"framework_agreements"}


@pytest.mark.parametrize("module", KERNEL)
def test_the_kernel_imports_no_business_app(module):
    for path in _files(module):
        assert not (_imports(path) & BUSINESS), path


def test_business_apps_import_each_other_without_a_cycle():
    graph = {app: _app_imports(app) for app in BUSINESS}

    def reaches(start, target, seen=()):
        return any(
            n == target or (n not in seen and reaches(n, target, (*seen, n))) for n in graph[start]
        )

    assert [app for app in BUSINESS if reaches(app, app)] == []


def test_no_python_module_outside_migrations_passes_400_lines():
    too_long = [
        (str(path.relative_to(ROOT)), n)
        for app in [*APPS, "tests", "benchmarks"]
        for path in _files(app)
        if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert too_long == []
