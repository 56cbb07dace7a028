"""Screenshots of the main pages for the README, run by hand: `.venv/bin/python scripts/screenshots.py`.

Loads the demo data (`manage.py demo`: users, a signed arrangement, an overleg with actiepunten) into a
throwaway SQLite database, starts the development server on a free loopback port, and lets Debian's Chromium
(/usr/bin/chromium, launched like the browser tests; never a browser downloaded by playwright) save PNGs of the
main pages into docs/screenshots/. Nothing leaves loopback. The TEST PKI goes under var/pki, as with `make run`.
"""

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "schermafbeelding-demo-2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
MAX_BYTES = 300_000
VIEWPORT = {"width": 1280, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback URL
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"De server op {url} kwam niet op.") from None
            time.sleep(0.3)


def save(page, name: str, full_page: bool = False) -> None:
    """A PNG of the page; shrunk to a palette image when it would be larger than MAX_BYTES."""
    page.wait_for_load_state("load")
    path = OUT / f"{name}.png"
    data = page.screenshot(full_page=full_page, animations="disabled")
    if len(data) > MAX_BYTES:
        from PIL import Image

        image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=128)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        data = buffer.getvalue()
    path.write_bytes(data)
    print(f"  {path.relative_to(ROOT)} ({len(data) // 1000} kB)")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("load")
    if "/inloggen/verificatie/" in page.url:
        # Reviewers, secretarissen and ondertekenaars have a second step; the code comes from their own
        # demo TOTP device, as their authenticator app would show it.
        from samenwerking.models import Gebruiker
        from tests.mfa import code_for

        page.get_by_label("Verificatiecode").fill(code_for(Gebruiker.objects.get(username=username)))
        page.get_by_role("button", name="Bevestigen").click()
        page.wait_for_load_state("load")
    if urlsplit(page.url).path != "/":
        raise SystemExit(f"Inloggen als {username} mislukt: {page.url}")


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} ontbreekt: installeer het Debian-pakket chromium.")
    tmp = Path(tempfile.mkdtemp(prefix="schermafbeeldingen-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "DEMO_PASSWORD": PASSWORD,
        "DJANGO_DEBUG": "false",
    }
    os.environ.update(env)
    python = sys.executable
    server = None
    try:
        print("Demogegevens laden ...")
        manage = [python, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
        subprocess.run([*manage, "demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(f"{base}/gezondheid/")
        shoot(base, tmp)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def shoot(base: str, tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # The sync playwright API keeps an event loop running in this thread; the ORM calls below are sequential.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from actiepunten.demo import DEMO_TITEL as OVERLEG_TITEL
    from actiepunten.models import Overleg
    from arrangementen.demo import DEMO_TITEL as ARRANGEMENT_TITEL
    from arrangementen.models import Arrangement
    from samenwerking.models import Driehoek

    arrangement = Arrangement.objects.filter(titel=ARRANGEMENT_TITEL).order_by("-versie").first()
    overleg = Overleg.objects.get(titel=OVERLEG_TITEL)
    bes = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    versie = arrangement.document.versies.order_by("-volgnummer").first()
    signed = tmp / f"{arrangement.document.referentie}.pdf"
    with versie.bestand.open("rb") as source:
        signed.write_bytes(source.read())

    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    print(f"Schermafbeeldingen naar {OUT.relative_to(ROOT)}:")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="nl-NL", viewport=VIEWPORT)
        context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname
                      in LOOPBACK_HOSTS or route.request.url.startswith(("data:", "about:"))
                      else route.abort("blockedbyclient"))
        page = context.new_page()
        log_in(page, base, "coordinator")
        save(page, "dashboard")
        page.goto(f"{base}/arrangementen/{arrangement.pk}/")
        save(page, "arrangement")
        page.goto(f"{base}/verifieer/")
        page.get_by_label("PDF-bestand").set_input_files(signed)
        page.get_by_role("button", name="Controleren").click()
        page.get_by_role("heading", name="Uitslag").scroll_into_view_if_needed()
        page.get_by_role("heading", level=1).scroll_into_view_if_needed()
        save(page, "verificatie", full_page=True)
        page.goto(f"{base}/actiepunten/driehoek/{bes.pk}/")
        save(page, "actielijst")
        page.goto(f"{base}/actiepunten/")
        save(page, "mijn-actiepunten")
        page.goto(f"{base}/actiepunten/overleg/{overleg.pk}/")
        save(page, "overleg")
        browser.close()


if __name__ == "__main__":
    main()
