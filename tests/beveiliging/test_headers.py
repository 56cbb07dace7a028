"""Every page carries the security headers and a Content-Security-Policy its HTML can live with."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from ..test_permission_matrix import ANONYMOUS, BEHEERDER, concrete_url, walk, world  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent.parent
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)


def test_csp_forbids_inline_scripts_and_styles():
    policy = dict(part.strip().split(" ", 1) for part in settings.CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_served_templates_have_no_inline_scripts_or_styles():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if path.name.endswith("pdf.html"):  # rendered to PDF only, never served
            continue
        text = path.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_STYLE.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


@pytest.mark.parametrize("role", [ANONYMOUS, "secretaris", BEHEERDER])
def test_every_page_has_csp_and_security_headers(db, client, world, role):  # noqa: F811
    if role != ANONYMOUS:
        client.force_login(world["users"][role])
    missing = []
    for pattern in walk():
        url = concrete_url(pattern, world, "eigen")
        response = client.get(url)
        headers = {
            "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
        }
        if role != ANONYMOUS and response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""):
            missing.append(f"{url}: a logged-in page without Cache-Control: no-store")
        for name, value in headers.items():
            if response.get(name) != value:
                missing.append(f"{url} ({response.status_code}): {name}={response.get(name)!r}")
        is_html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 200 and is_html and not url.startswith("/beheer/"):
            html = response.content.decode()
            if INLINE_SCRIPT.search(html) or INLINE_STYLE.search(html):
                missing.append(f"{url}: inline script or style in the HTML")
    assert not missing, "\n".join(missing)
