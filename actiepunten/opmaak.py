"""Text that users write without HTML: Markdown rendered to HTML, then sanitised with the verslag's allow-list."""

import re

import nh3
from markdown_it import MarkdownIt

# The verslag is rich text: only these tags and attributes survive (nh3 / ammonia).
VERSLAG_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
                "a", "table", "thead", "tbody", "tr", "th", "td"}
VERSLAG_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan"}, "td": {"colspan"}}

# Raw HTML is not interpreted: a user who types "<b>" sees it as text; tables come from Markdown's own syntax.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False}).enable("table")


def sanitise_html(html: str) -> str:
    return nh3.clean(html or "", tags=VERSLAG_TAGS, attributes=VERSLAG_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer").strip()


def markdown_html(text: str, *, top: int | None = None) -> str:
    """Markdown to safe HTML; headings shift down two levels, so a '# kop' never competes with the page's h1.
    With `top`, the text's highest heading becomes h`top` and the others follow it (no level skipped)."""
    html = _MARKDOWN.render(text or "")
    levels = sorted({int(n) for n in re.findall(r"<h([1-6])>", html)})

    def lower(match) -> str:
        level = int(match[2])
        return f"<{match[1]}h{min(top + levels.index(level) if top else level + 2, 4)}>"

    return sanitise_html(re.sub(r"<(/?)h([1-6])>", lower, html))


# A verslag written before the overleg's verslag became Markdown holds sanitised HTML; it keeps that meaning.
_HTML_TAG = re.compile(r"</?(p|br|strong|b|em|i|u|ul|ol|li|h[1-6]|blockquote|a|table|thead|tbody|tr|th|td|div|span|"
                       r"script|style|img|iframe)\b[^>]*>", re.IGNORECASE)


def is_html(text: str) -> bool:
    return bool(_HTML_TAG.search(text or ""))


def stored_verslag(text: str) -> str:
    """The overleg's verslag as stored: Markdown as typed, or (older text, API clients) HTML sanitised."""
    return sanitise_html(text) if is_html(text) else (text or "").strip()


def verslag_html(text: str) -> str:
    """The overleg's verslag for display: Markdown like the verslag per agendapunt, or legacy HTML sanitised."""
    return sanitise_html(text) if is_html(text) else markdown_html(text, top=3)  # it follows the h2 "Verslag"
