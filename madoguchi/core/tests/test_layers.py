"""DESIGN.md's dependency order: every app imports only apps below it.

Read from the source (every ``import`` and ``from … import``, including those inside functions),
so an import that only runs on one code path still counts. Tests are not held to it: a browser test
walks the whole product, whatever app it sits in.

One departure from DESIGN.md: ``accounts`` stands above ``catalog``, not below it. A staff account
belongs to a department and serves counters (foreign keys into the catalogue), and the catalogue
needs nothing of the accounts since access moved to ``core``.

A second: ``talent`` stands below ``dxdesk``, not beside it. The ward's sections (所属) and its staff
register come from the HR system into ``talent``; a help-desk consultation is filed for a section,
and talent needs nothing of the help desk.
"""

import ast
from pathlib import Path

import pytest

APPS_ROOT = Path(__file__).resolve().parents[2]

# Bottom up. An app may import the apps of the layers below its own, never its own layer's
# siblings and never a layer above.
LAYERS: list[set[str]] = [
    {"core"},
    {"audit"},
    {"catalog"},
    {"accounts"},
    {"navigator"},
    {"reception"},
    {"counters", "prefill", "payments"},
    {"preapply", "appointments", "surveys", "cardreader"},
    {"insights"},
    {"talent"},
    {"dxdesk"},
]
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def _apps() -> list[str]:
    return sorted(p.name for p in APPS_ROOT.iterdir() if (p / "__init__.py").exists())


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name.split(".")[1] for name in names if name.startswith("madoguchi.") and name.count(".") >= 1}


def test_every_app_has_a_layer():
    assert set(_apps()) <= set(LAYER_OF), f"apps without a layer: {sorted(set(_apps()) - set(LAYER_OF))}"


@pytest.mark.parametrize("app", _apps())
def test_the_app_imports_only_apps_below_it(app):
    wrong = []
    for path in sorted((APPS_ROOT / app).rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for other in sorted(_imported_apps(path) - {app}):
            if other not in LAYER_OF or LAYER_OF[other] >= LAYER_OF[app]:
                wrong.append(f"{path.relative_to(APPS_ROOT.parent)} imports {other}")
    assert not wrong, "imports against DESIGN.md's order:\n" + "\n".join(wrong)


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from madoguchi.counters.forms import ReceptionForm\n")
    assert _imported_apps(module) == {"counters"}
