"""Whether the main navigation shows "Landelijk en regionaal beeld" (issue 16): the user holds a scope membership.

Kept in the session per day, so a page asks the database nothing for it: every page's query budget stays as it
was. Scope memberships are dated by the day (toegang.overview_scopes reads them "active today"), so one look-up
per session and day follows them; logging in looks again. The link only leads the way: /beeld/ itself checks the
membership on every request.
"""

from django.utils import timezone

from . import toegang

SESSION_KEY = "overzichtslink"


def shows_overview_link(request) -> bool:
    """One query on the first page of a session and day, none after it; none for anonymous users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    today = timezone.localdate().isoformat()
    stored = request.session.get(SESSION_KEY)
    if isinstance(stored, dict) and stored.get("gebruiker") == user.pk and stored.get("dag") == today:
        return bool(stored.get("tonen"))
    tonen = toegang.overview_scopes(user).select_related(None).exists()
    request.session[SESSION_KEY] = {"gebruiker": user.pk, "dag": today, "tonen": tonen}
    return tonen


def forget(request) -> None:
    """At login: look again (a scope granted since the last visit shows at once)."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
