"""The layers of docs/architecture.md, held by tests: the import-linter contracts of
pyproject.toml, core importing no app, and pages and API reading through selectors and
writing through services rather than through models' managers."""

import ast
import contextlib
import io
from pathlib import Path

import drugcontrol

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(drugcontrol.__file__).resolve().parent
APPS = ("substances", "entities", "incidents", "precursors")


def _python_files(directory: Path):
    return sorted(path for path in directory.rglob("*.py") if "migrations" not in path.parts)


def test_import_contracts_hold():
    from importlinter.cli import lint_imports

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert status == 0, output.getvalue()


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args:
            # import_module("drugcontrol.x") and include("drugcontrol.x.urls") name modules too
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in {"import_module", "__import__", "include", "import_string"}:
                    yield node.lineno, first.value


def test_core_imports_no_app():
    """Beyond the contract (static imports): no dynamic import of an app either. Core learns
    what the apps add through the registries their AppConfig.ready() fills."""
    forbidden = (
        *(f"drugcontrol.{app}" for app in APPS),
        "drugcontrol.api",
        "drugcontrol.urls",
    )
    breaches = []
    for path in _python_files(PACKAGE / "core"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, module in _imported_modules(tree):
            if module in forbidden or module.startswith(tuple(f"{name}." for name in forbidden)):
                breaches.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert breaches == []


def _page_and_api_modules():
    for app_dir in sorted(p for p in PACKAGE.iterdir() if (p / "apps.py").exists()):
        for name in ("views", "api"):
            module = app_dir / f"{name}.py"
            if module.exists():
                yield module
            if (app_dir / name).is_dir():
                yield from _python_files(app_dir / name)
    yield PACKAGE / "api.py"


def _manager_uses(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
            target = ast.unparse(node.value)
            yield node.lineno, f"{target}.{node.attr}"


def test_pages_and_api_do_not_use_managers():
    """Reads go through selectors (visibility rules), writes through services."""
    modules = list(_page_and_api_modules())
    assert any(path.name == "views.py" for path in modules)
    breaches = []
    for path in modules:
        relative = str(path.relative_to(PACKAGE))
        for line, use in _manager_uses(ast.parse(path.read_text(encoding="utf-8"))):
            breaches.append(f"{relative}:{line} uses {use}")
    assert breaches == []


def test_the_manager_check_sees_a_manager():
    tree = ast.parse("def view(request):\n    return Party.objects.filter(pk=1)\n")
    assert [use for _, use in _manager_uses(tree)] == ["Party.objects"]
