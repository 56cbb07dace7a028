"""The fields a browser would post from a rendered form: what Django's field limit counts."""

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, marker: str):
        super().__init__()
        self.marker, self.depth, self.forms, self.current = marker, 0, [], None
        self.select, self.textarea, self.first_option = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.current.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self.select, self.first_option = [a.get("name"), None], None
        elif tag == "option" and self.select is not None:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.select[1] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select is not None:
            self.current.append((self.select[0], self.select[1] if self.select[1] is not None else self.first_option))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.current.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form":
            self.current = None


def posted_fields(html: str, *, having: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the first form with a field named `having` posts, submit button not counted."""
    parser = _Form(having)
    parser.feed(html)
    return next(form for form in parser.forms if any(name == having for name, _v in form))
