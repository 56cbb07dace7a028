"""Text that users write without HTML: Markdown rendered to HTML, then sanitised with the verslag's allow-list."""

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


def markdown_html(text: str) -> str:
    """Markdown to safe HTML; headings shift down two levels, so a '# kop' never competes with the page's h1."""
    html = _MARKDOWN.render(text or "")
    for level in (3, 2, 1):
        lager = min(level + 2, 4)
        html = html.replace(f"<h{level}>", f"<h{lager}>").replace(f"</h{level}>", f"</h{lager}>")
    return sanitise_html(html)
