"""Size (issue 12 item 7): no module of an app over 400 lines and no function over 60, outside migrations.

A module that grows past the limit becomes a package with the same name; a function that does, names its steps.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("samenwerking", "arrangementen", "actiepunten")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts:
                yield relative.as_posix(), path.read_text(encoding="utf-8")


def module_lines(source: str) -> int:
    return len(source.splitlines())


def long_functions(source: str, *, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int, int]]:
    """(qualified name, line of the `def`, length) of every function or method longer than `limit` lines,
    counted from its `def` to its last line (decorators not included)."""
    found = []

    def visit(node, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                length = child.end_lineno - child.lineno + 1
                if length > limit:
                    found.append((f"{prefix}{child.name}", child.lineno, length))
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def test_no_app_module_is_over_400_lines():
    too_long = [f"{name}: {module_lines(source)} regels" for name, source in _app_modules()
                if module_lines(source) > MAX_MODULE_LINES]
    assert too_long == [], "Maak van deze modules een package: " + "; ".join(too_long)


def test_no_function_in_the_apps_is_over_60_lines():
    too_long = [f"{name}:{line} {function} ({length} regels)" for name, source in _app_modules()
                for function, line, length in long_functions(source)]
    assert too_long == [], "Splits deze functies: " + "; ".join(too_long)


def test_the_scan_sees_every_app_including_packages():
    names = {name for name, _ in _app_modules()}
    assert {"samenwerking/toegang.py", "arrangementen/workflow.py", "actiepunten/services.py",
            "actiepunten/importeren/__init__.py"} <= names
    assert not [name for name in names if "/migrations/" in name]


def _function(name: str, body_lines: int, indent: str = "") -> str:
    body = "".join(f"{indent}    x{i} = {i}\n" for i in range(body_lines))
    return f"{indent}def {name}():\n{body}"


def test_the_function_scan_reports_a_method_one_line_over_the_limit_by_its_qualified_name():
    source = ("import functools\n\n\nclass Arrangement:\n"
              + "    @functools.cache\n" + _function("past", 59, "    ")
              + _function("te_lang", 60, "    ")
              + "\n\n" + _function("buiten", 59) + "\n\nasync " + _function("asynchroon", 61))
    assert long_functions(source) == [("Arrangement.te_lang", 66, 61), ("asynchroon", 191, 62)]


def test_the_function_scan_names_a_nested_function_after_the_one_around_it():
    inner = _function("binnen", 61, "    ")
    source = "def buiten():\n" + inner + "    return binnen\n"
    assert long_functions(source) == [("buiten", 1, 64), ("buiten.binnen", 2, 62)]


def test_a_module_of_401_lines_is_over_the_limit_and_one_of_400_is_not():
    assert module_lines("x = 1\n" * 401) > MAX_MODULE_LINES
    assert module_lines("x = 1\n" * 400) == MAX_MODULE_LINES
