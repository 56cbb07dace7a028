"""Every HTML page a browser test is served is checked, whatever the test itself asserts.

`PageChecks` listens to the `page`/`new_page` pages of one test and keeps the body of every HTML document
response exactly as the server sent it (not `page.content()`, which is the browser's re-serialisation). When
the test ends:

- **Nu Html Checker** (npm `vnu-jar`, run with the system Java) validates all of them in one batch, so one JVM
  start per test, and every error fails the test, listed per URL with line, column and an extract;
- **axe-core** (WCAG 2.1 A and AA) runs on every document the test did not already check live with
  `assert_no_axe_violations`: the recorded response is served again, unchanged, to a fresh page (stylesheets
  from the live server; the app has no JavaScript) so that no page slips through because a test forgot a call.
  A live check stays the better one for page states that need interaction (an opened <details>, a filled form).

Responses a test provokes on purpose (a 404 page) are declared with `expect_status(url, status)`; the
fixtures then do not count them as failed requests.
"""

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import Browser, Page, Response
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_TIMEOUT_S = 180
# Masked CSRF tokens differ in every response; without them identical pages are checked once.
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')

_checks_by_page: dict[Page, "PageChecks"] = {}


def _without_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


@dataclass
class Document:
    url: str
    status: int
    content_type: str
    body: bytes
    axe_checked: bool = False

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.url.encode() + b"\0" + CSRF.sub(b"", self.body)).hexdigest()


class PageChecks:
    def __init__(self, browser: Browser, new_context):
        self.browser = browser
        self.new_context = new_context  # opens a guarded context like the fixtures' own
        self.documents: list[Document] = []
        self.current: dict[Page, Document] = {}
        self.expected: dict[str, int] = {}

    # --- recording ---------------------------------------------------------------------------------------

    def attach(self, page: Page) -> None:
        _checks_by_page[page] = self
        page.on("response", lambda response: self._record(page, response))

    def _record(self, page: Page, response: Response) -> None:
        if response.request.resource_type != "document" or response.frame != page.main_frame:
            return
        content_type = response.headers.get("content-type", "")
        if 300 <= response.status < 400 or not content_type.startswith("text/html"):
            return
        try:
            body = response.body()
        except PlaywrightError:
            return  # the page navigated on before this document arrived: nothing of it was shown
        document = Document(response.url, response.status, content_type, body)
        self.documents.append(document)
        self.current[page] = document

    def expect_status(self, url: str, status: int) -> None:
        """The test provokes this response on purpose (e.g. a 404 page): it is no failed request."""
        self.expected[_without_fragment(url)] = status

    def is_expected(self, response: Response) -> bool:
        return self.expected.get(_without_fragment(response.url)) == response.status

    def mark_axe_checked(self, page: Page) -> None:
        document = self.current.get(page)
        if document is not None and document.url == _without_fragment(page.url):
            document.axe_checked = True

    # --- checking ----------------------------------------------------------------------------------------

    def finish(self) -> None:
        for page in [p for p, checks in _checks_by_page.items() if checks is self]:
            del _checks_by_page[page]
        problems = self._replay_axe() + self._validate_html()
        assert not problems, "\n\n".join(problems)

    def _unique(self) -> list[Document]:
        seen: dict[str, Document] = {}
        for document in self.documents:
            earlier = seen.setdefault(document.fingerprint, document)
            earlier.axe_checked = earlier.axe_checked or document.axe_checked
        return list(seen.values())

    def _replay_axe(self) -> list[str]:
        from .conftest import assert_no_axe_violations

        unchecked = [d for d in self._unique() if not d.axe_checked]
        if not unchecked:
            return []
        problems = []
        context = self.new_context()
        try:
            page = context.new_page()
            serving: list[Document] = []

            def serve(route):
                request = route.request
                if serving and request.is_navigation_request() and request.url == serving[0].url:
                    document = serving[0]
                    route.fulfill(status=document.status, body=document.body,
                                  headers={"content-type": document.content_type})
                else:
                    route.fallback()

            page.route("**/*", serve)
            for document in unchecked:
                serving[:] = [document]
                page.goto(document.url)
                try:
                    assert_no_axe_violations(page)
                except AssertionError as error:
                    problems.append(f"{error} (opnieuw getoond antwoord {document.status} van de server)")
        finally:
            context.close()
        return problems

    def _validate_html(self) -> list[str]:
        documents = self._unique()
        if not documents:
            return []
        java = shutil.which("java")
        assert java, "Java ontbreekt voor de Nu Html Checker: installeer default-jre-headless (make test doet dat)."
        assert VNU_JAR.exists(), f"{VNU_JAR} ontbreekt: draai npm ci."
        with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
            files = {}
            for index, document in enumerate(documents, start=1):
                path = Path(tmp) / f"pagina-{index:03d}.html"
                path.write_bytes(document.body)
                files[path.resolve().as_uri()] = document
            result = subprocess.run(
                [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
                 *(str(Path(tmp) / f"pagina-{i:03d}.html") for i in range(1, len(documents) + 1))],
                capture_output=True, text=True, timeout=VNU_TIMEOUT_S, check=False,
            )
            try:
                messages = json.loads(result.stderr or result.stdout)["messages"]
            except (ValueError, KeyError):
                return [f"De Nu Html Checker gaf geen leesbaar antwoord (code {result.returncode}):\n"
                        f"{result.stdout}\n{result.stderr}"]
        # Per URL, each distinct error once, with where it first occurred and in how many of the responses.
        per_url: dict[str, dict[tuple[str, str], list]] = {}
        for message in messages:
            document = files.get(_file_uri(message.get("url", "")))
            url = document.url if document else message.get("url", "?")
            key = (f"{message['type']}: {message['message']}", (message.get("extract") or "").strip())
            where = f"regel {message.get('lastLine', '?')}, kolom {message.get('firstColumn', '?')}"
            entry = per_url.setdefault(url, {}).setdefault(key, [where, set()])
            entry[1].add(id(document))
        if not per_url and result.returncode != 0:
            return [f"De Nu Html Checker stopte met code {result.returncode}:\n{result.stderr}"]
        problems = []
        for url, errors in per_url.items():
            served = sum(1 for d in documents if d.url == url)
            lines = [f"Nu Html Checker: {len(errors)} fout(en) in {url}:"]
            for (text, extract), (where, responses) in errors.items():
                lines.append(f"  - {text} ({where}; in {len(responses)} van {served} antwoord(en))")
                if extract:
                    lines.append("      " + extract.replace("\n", "⏎"))
            problems.append("\n".join(lines))
        return problems


def _file_uri(uri: str) -> str:
    # vnu reports file:/tmp/x.html; pathlib's as_uri() is file:///tmp/x.html.
    return "file:///" + uri.removeprefix("file:").lstrip("/") if uri.startswith("file:") else uri


def checks_for(page: Page) -> "PageChecks | None":
    return _checks_by_page.get(page)
