"""The import graph of the apps: imports run one way (samenwerking ← arrangementen ← actiepunten), no app imports
`config`, and no two project modules import each other — also not through an import inside a function."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lower layers first: an app may import only apps at its own level or below.
LAYERS = ("samenwerking", "arrangementen", "actiepunten")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in LAYERS
        for path in sorted((ROOT / app).rglob("*.py"))
        if not {"migrations", "tests"} & set(path.relative_to(ROOT).parts)
    }


def _imports(name: str, path: Path, modules: set[str]) -> list[tuple[int, str]]:
    """Every module `name` imports (line, dotted name), wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            for alias in node.names:
                # `from pkg import module` depends on that module; `from module import name` on the module.
                submodule = f"{source}.{alias.name}"
                found.append((node.lineno, submodule if submodule in modules else source))
    return found


def _graph() -> tuple[dict[str, Path], dict[str, dict[str, int]]]:
    sources = _sources()
    graph: dict[str, dict[str, int]] = {}
    for name, path in sources.items():
        graph[name] = {}
        for line, target in _imports(name, path, set(sources)):
            graph[name].setdefault(target, line)
    return sources, graph


def _where(sources, name, line) -> str:
    return f"{sources[name].relative_to(ROOT)}:{line}"


def test_no_app_imports_a_higher_layer():
    sources, graph = _graph()
    upward = [
        f"{_where(sources, name, line)} ({name} → {target})"
        for name, targets in graph.items()
        for target, line in targets.items()
        if target.split(".")[0] in LAYERS and LAYERS.index(target.split(".")[0]) > LAYERS.index(name.split(".")[0])
    ]
    assert upward == [], "Import naar een hogere laag:\n" + "\n".join(upward)


def test_no_app_imports_config():
    sources, graph = _graph()
    wiring = [
        f"{_where(sources, name, line)} ({name} → {target})"
        for name, targets in graph.items()
        for target, line in targets.items()
        if target == "config" or target.startswith("config.")
    ]
    assert wiring == [], "Een app importeert config (alleen bedrading):\n" + "\n".join(wiring)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _path_back(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete cycle through the component's first module, for the failure message."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    return component


def test_no_import_cycle_between_project_modules():
    sources, graph = _graph()
    project = {name: {target for target in targets if target in sources} for name, targets in graph.items()}
    cycles = [
        ", ".join(component)
        + " — bijvoorbeeld "
        + " → ".join(
            f"{name} ({_where(sources, name, graph[name][target])})" if target else name
            for name, target in zip(path, path[1:] + [None], strict=True)
        )
        for component, path in ((c, _path_back(project, c)) for c in _cycles(project))
    ]
    assert cycles == [], "Importcyclus tussen modules:\n" + "\n".join(cycles)


def test_the_graph_sees_imports_inside_functions_and_relative_imports(tmp_path):
    """The checks above can fail: a lazy relative import inside a function counts as an edge."""
    package = tmp_path / "samenwerking"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from . import b\n    from .b import x\n")
    (package / "b.py").write_text("from samenwerking.a import f\nimport arrangementen.models\n")
    modules = {"samenwerking", "samenwerking.a", "samenwerking.b"}
    edges = {
        name: {target for _, target in _imports(name, package / f"{name.rpartition('.')[2]}.py", modules)}
        for name in ("samenwerking.a", "samenwerking.b")
    }
    assert edges == {"samenwerking.a": {"samenwerking.b"}, "samenwerking.b": {"samenwerking.a", "arrangementen.models"}}
    assert _cycles({name: targets & modules for name, targets in edges.items()}) == [
        ["samenwerking.a", "samenwerking.b"]
    ]
