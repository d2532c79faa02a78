"""Layers of the entities and incidents apps: selectors (and the pure modules they use)
import no services module; the entities services are a package split by domain that
still answers `entities.services.X` for the other apps."""

import ast
import importlib
from pathlib import Path

import drugcontrol

SRC = Path(drugcontrol.__file__).parent
READ_SIDE = [
    "entities/selectors.py",
    "entities/candidates.py",
    "entities/validation.py",
    "incidents/selectors.py",
    "incidents/filters.py",
]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_read_side_imports_no_services():
    for relative in READ_SIDE:
        imported = _imports(SRC / relative)
        assert not [name for name in imported if ".services" in name], relative


def test_entities_services_re_export_their_public_names():
    services = importlib.import_module("drugcontrol.entities.services")
    for name in services.__all__:
        assert getattr(services, name) is not None, name
    for module in ("parties", "correlations", "imports", "warning_list"):
        path = SRC / "entities" / "services" / f"{module}.py"
        assert len(path.read_text().splitlines()) < 400, module
    for path in (SRC / "incidents" / "services").glob("*.py"):
        assert len(path.read_text().splitlines()) < 600, path.name


def test_the_warning_list_docstrings_say_what_is_withdrawn():
    from drugcontrol.entities.services import warning_list

    assert "whatever the proposal rests on" in warning_list._withdraw_proposals.__doc__
    assert "not\n    only those the value was the evidence for" in (
        warning_list.warning_value_add.__doc__
    )
