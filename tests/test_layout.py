"""The shape of the code: which package may import which, and no import hidden in a function."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "oauth", "openapi")


def _loaded_after(statement: str) -> set[str]:
    """The project's modules that ``statement`` loads, in a fresh interpreter."""
    code = (f"import sys; {statement}; "
            f"print(' '.join(m for m in sys.modules if m.split('.')[0] in {PACKAGES!r}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    return set(result.stdout.split())


def test_extensions_import_nothing_of_the_application():
    assert _loaded_after("import app.extensions") == {"app", "app.extensions"}


def test_oauth_imports_nothing_of_the_application():
    modules = " ".join(f"oauth.{path.stem}" for path in (ROOT / "oauth").glob("*.py")
                       if path.stem != "__init__")
    loaded = _loaded_after(f"import oauth, {modules.replace(' ', ', ')}")
    assert {module for module in loaded if not module.startswith("oauth")} == set()


def _imports_in_functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield f"{path.relative_to(ROOT)}:{inner.lineno}"


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_inside_a_function(package):
    found = [place for path in sorted((ROOT / package).rglob("*.py"))
             if "migrations" not in path.parts for place in _imports_in_functions(path)]
    assert found == []
