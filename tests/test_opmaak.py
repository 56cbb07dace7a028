"""Markup rules every page keeps: breadcrumbs without list numbers, status indicators without font glyphs."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Pictographs, dingbats and symbol blocks (⚠ ⏰ ✓ ✕ …): the fonts of many systems lack them.
GLYPHS = re.compile("[\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001faff]")


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*.html") if "admin" not in p.parts)


def test_every_breadcrumb_list_is_an_ordered_list_without_visible_numbers():
    lists = [(path.name, tag) for path in _templates()
             for tag in re.findall(r"<ol\b[^>]*utrecht-breadcrumb-nav__list[^>]*>", path.read_text("utf-8"))]
    assert len(lists) >= 4
    for name, tag in lists:
        assert "utrecht-breadcrumb-nav__list--html-ol" in tag, name
    css = (Path(__file__).resolve().parents[1] / "static" / "css" / "app.css").read_text("utf-8")
    assert re.search(r"\.utrecht-breadcrumb-nav__list \{[^}]*list-style: none", css)


def test_no_template_shows_a_symbol_from_a_font_a_system_may_lack():
    found = {path.relative_to(TEMPLATES).as_posix(): GLYPHS.findall(path.read_text("utf-8")) for path in _templates()}
    assert {name: chars for name, chars in found.items() if chars} == {}
