"""Browser tests: Debian's Chromium via the Python playwright package against pytest-django's live server.

Rules (docs ARCHITECTURE.md, "Test harness"): the browser is /usr/bin/chromium, never one downloaded by
`playwright install`, launched with a fixed set of flags, and nothing leaves loopback: every request to
another host is aborted and reported as a test failure.
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from arrangementen.bibliotheek import load_grondslagen
from samenwerking.demo import create_demo_data
from samenwerking.models import Gebruiker
from samenwerking.referentiedata import load_reference_data
from tests.mfa import code_for

from .paginacontrole import PageChecks, checks_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STYLESHEETS = ("vendor/utrecht-theme.css", "vendor/utrecht-components.css", "css/app.css")
# The beheer (Django admin) has its own look: its base stylesheet and the project's additions to it.
BEHEER_STYLESHEETS = ("admin/css/base.css", "css/beheer.css")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DEMO_PASSWORD = "e2e-demo-wachtwoord-2026"
# Reports every Content-Security-Policy violation of a page to the test (binding `__cspSchending`), also those
# the console does not show; added through DevTools, so the policy under test does not apply to it.
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) => window.__cspSchending(
    `${e.effectiveDirective} blokkeerde ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber}) `
    + `${e.sample || ''}`));"""


def watch_csp(context, violations: list[str]) -> None:
    """Collect the Content-Security-Policy violations of every page in `context` (DOM events and console)."""
    context.expose_binding("__cspSchending", lambda source, text: violations.append(f"{source['frame'].url}: {text}"))
    context.add_init_script(CSP_LISTENER)

    def console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("console", console)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} ontbreekt: installeer het Debian-pakket chromium (make test doet dat).")
    # The sync playwright API runs an asyncio event loop in this (the test) thread and leaves it marked as
    # running between calls. Django's async_unsafe guard then refuses every ORM call made here, such as the
    # demo data fixture and the flush after each transactional test, with SynchronousOnlyOperation. Nothing
    # in this thread really runs concurrently with the ORM (the live server handles requests in its own
    # thread with its own connection), so the guard is switched off for exactly as long as playwright runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_checks(browser, live_server):
    """Nu Html Checker and axe-core on every HTML page served to this test's `page`/`new_page` pages, checked
    when the test ends (tests/e2e/paginacontrole.py)."""

    def replay_context():
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname
                      in LOOPBACK_HOSTS else route.abort("blockedbyclient"))
        return context

    checks = PageChecks(browser, replay_context)
    yield checks
    checks.finish()


@pytest.fixture(autouse=True)
def site_url(settings, live_server):
    """Absolute links (e-mails, agenda address) point at the live server, as `make run` points them at HOST:PORT."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def page(browser, live_server, page_checks):
    """A fresh browser context (no cookies) per test; requests off loopback are aborted and fail the test."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    blocked: list[str] = []
    failed: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    csp: list[str] = []
    watch_csp(context, csp)
    page = context.new_page()
    page_checks.attach(page)

    def record_failure(response):
        # Chromium asks for /favicon.ico on its own; the app has none, which is no test failure.
        if response.status >= 400 and not response.url.endswith("/favicon.ico") \
                and not page_checks.is_expected(response):
            failed.append(f"{response.status} {response.url}")

    page.on("response", record_failure)
    yield page
    context.close()
    assert not blocked, f"Verzoeken buiten loopback geblokkeerd: {blocked}"
    assert not failed, f"Mislukte verzoeken: {failed}"
    assert not csp, "Content-Security-Policy blokkeerde iets:\n" + "\n".join(csp)


@pytest.fixture
def demo_data(transactional_db):
    """Reference data and the demo driehoeken/users, committed so the live server thread sees them.

    Tests using it must be marked `@pytest.mark.django_db(transaction=True)`: the live server runs in
    another thread with its own connection, and only a transactional test database is flushed afterwards.
    """
    load_reference_data()
    load_grondslagen()  # seeded by a migration, so gone after the previous browser test's flush
    return {user.username: user for user in create_demo_data(password=DEMO_PASSWORD)}


def login(page: Page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login form and wait for the dashboard.

    Users whose role asks for two-step verification (reviewers, secretarissen, ondertekenaars, beheerders)
    then get the second step; the code comes from their own TOTP device, as their authenticator app would
    show it.
    """
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("load")
    if "/inloggen/verificatie/" in page.url:
        page.get_by_label("Verificatiecode").fill(code_for(Gebruiker.objects.get(username=username)))
        page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(f"{live_server.url}/")


def assert_styles_loaded(page: Page) -> None:
    """The NL Design System and app stylesheets really loaded (axe's colour-contrast depends on them)."""
    # A click that submits a form returns once the navigation commits; stylesheets come in later.
    page.wait_for_load_state("load")
    sheets = page.evaluate(
        """() => Array.from(document.styleSheets).map(s => {
               let rules = -1;
               try { rules = s.cssRules.length; } catch (e) {}
               return {href: s.href, rules};
           })"""
    )
    beheer = urlsplit(page.url).path.startswith("/beheer/")
    for name in BEHEER_STYLESHEETS if beheer else STYLESHEETS:
        matching = [s for s in sheets if s["href"] and s["href"].endswith("/static/" + name)]
        assert matching and matching[0]["rules"] > 0, f"Stylesheet {name} niet geladen: {sheets}"


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    target: {json.dumps(node['target'], ensure_ascii=False)}")
            lines.append(f"    html:   {node['html']}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n            ")
                lines.append(f"    reden:  {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page and fail on any violation."""
    assert_styles_loaded(page)
    # Evaluated through the DevTools protocol: the product's Content-Security-Policy forbids inline scripts,
    # and the test must not weaken that policy to measure the page.
    page.evaluate(AXE_JS.read_text("utf-8") + "\n;undefined")
    assert page.evaluate("typeof axe") == "object", "axe-core is niet geladen"
    # preload off: it copies the page's stylesheets into <style> elements (only for a rule outside these tags),
    # which the page's own policy rightly refuses and the CSP check would blame on the page.
    violations = page.evaluate(
        """async (tags) => {
               const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false});
               return results.violations;
           }""",
        AXE_TAGS,
    )
    if checks_for(page) is not None:
        checks_for(page).mark_axe_checked(page)
    assert not violations, (
        f"axe vond {len(violations)} WCAG 2.1 AA-schending(en) op {page.url}:\n"
        + _format_violations(violations)
    )


@pytest.fixture
def new_page(browser, live_server, page_checks):
    """Factory for more users in one test: each call opens a page in its own browser context (own cookies),
    guarded like `page`: requests off loopback are aborted, and they and failed responses fail the test."""
    contexts = []
    blocked: list[str] = []
    failed: list[str] = []
    csp: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def record_failure(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico") \
                and not page_checks.is_expected(response):
            failed.append(f"{response.status} {response.url}")

    def open_page() -> Page:
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        context.set_default_timeout(10_000)
        context.route("**/*", guard)
        watch_csp(context, csp)
        contexts.append(context)
        new = context.new_page()
        page_checks.attach(new)
        new.on("response", record_failure)
        return new

    yield open_page
    for context in contexts:
        context.close()
    assert not blocked, f"Verzoeken buiten loopback geblokkeerd: {blocked}"
    assert not failed, f"Mislukte verzoeken: {failed}"
    assert not csp, "Content-Security-Policy blokkeerde iets:\n" + "\n".join(csp)


def expect_message(page: Page, text: str, timeout: float = 5_000) -> None:
    """The flash message (role=status under the header) reads exactly `text`."""
    expect(page.locator(".app-messages").get_by_role("status").filter(has_text=text)).to_have_text(
        text, timeout=timeout
    )


def login_checked(page: Page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """`login`, with axe-core run on the login page and on the dashboard it lands on."""
    page.goto(f"{live_server.url}/inloggen/")
    assert_no_axe_violations(page)
    login(page, live_server, username, password)
    expect(page.get_by_role("heading", name="Mijn driehoeken")).to_be_visible()
    assert_no_axe_violations(page)
