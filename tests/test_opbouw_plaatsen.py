"""Where code lives (issue 12): reads in selectors, recording history apart from showing it, short functions."""

import ast
from pathlib import Path

from arrangementen import selectors, views_documenten
from samenwerking import geschiedenis, historie

ROOT = Path(__file__).resolve().parents[1]


def test_document_context_is_a_selector():
    assert selectors.document_context.__module__ == "arrangementen.selectors"
    assert not hasattr(views_documenten, "document_context")


def test_recording_history_is_not_in_the_history_display_module():
    assert historie.save_tracked.__module__ == "samenwerking.historie"
    assert not hasattr(geschiedenis, "save_tracked")


def test_functions_of_the_history_and_audit_modules_stay_under_sixty_lines():
    long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} regels)"
        for folder in ("samenwerking/geschiedenis", "samenwerking/audit")
        for path in sorted((ROOT / folder).glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 60
    ]
    assert long == []
