"""The package's import graph: no cycles, and no imports hidden inside functions except the ones
that keep an optional or slow component off the import path (the numba core, the compiled C core,
plotting and table libraries)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "inferonomics"
# (module, what it imports inside a function, why)
ALLOWED_INNER = {
    ("inferonomics.cores.backends", "inferonomics.cores.numba_core"):
        "importing numba costs about half a second; only a numba run pays it",
    ("inferonomics.fleet.through_time", "inferonomics.cores.fleet_numba"):
        "importing numba costs about half a second; only a fleet run pays it",
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _package_imports(modules):
    """(importer, imported, at module level?) for every import of a package module."""
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        top = set(map(id, tree.body))
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = ".".join(package.split(".")[:len(package.split(".")) - (node.level - 1)])
            target = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                imported = f"{target}.{alias.name}"
                imported = imported if imported in modules else target
                if imported in modules:
                    yield name, imported, id(node) in top


def test_no_module_imports_a_package_module_inside_a_function_without_a_reason():
    inner = {(a, b) for a, b, at_top in _package_imports(_modules()) if not at_top}
    assert inner <= set(ALLOWED_INNER), sorted(inner - set(ALLOWED_INNER))


def test_the_import_graph_has_no_cycles():
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for a, b, _ in _package_imports(modules):
        if a != b and not b.startswith(a + "."):   # a package importing its own submodule
            graph[a].add(b)
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m):
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(n):] + [n]))
            if n not in state:
                visit(n)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_importing_the_package_does_not_import_numba_or_plotting_libraries():
    import subprocess
    import sys

    code = ("import sys, inferonomics, inferonomics.cli; "
            "print(sorted(m for m in ('numba', 'matplotlib', 'pandas', 'pyarrow', 'xarray') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_nothing_installed_names_a_path_on_a_development_machine():
    import re

    pattern = re.compile(r"(?<![\w.:/])/(work|home|Users|tmp|root)/")
    for path in PACKAGE.rglob("*"):
        if path.suffix in (".py", ".toml", ".h", ".c", ".txt", ".json") and path.is_file():
            for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                assert not pattern.search(line), f"{path.relative_to(PACKAGE)}:{n}: {line[:80]}"
