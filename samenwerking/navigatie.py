"""Whether the main navigation shows "Landelijk en regionaal beeld" (issue 16): the user holds a scope membership.

Looked up at login and kept in the session per day, so a page asks the database nothing for it: every page's query
budget stays as it was. Scope memberships are dated by the day (toegang.overview_scopes reads them "active today"),
so the first page of a later day looks once more. The link only leads the way: /beeld/ itself checks the
membership on every request.
"""

from django.utils import timezone

from . import toegang

SESSION_KEY = "overzichtslink"


def shows_overview_link(request) -> bool:
    """No query on a page the day the user logged in; one on the first page of a later day; none for anonymous
    users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    today = timezone.localdate().isoformat()
    stored = request.session.get(SESSION_KEY)
    if isinstance(stored, dict) and stored.get("gebruiker") == user.pk and stored.get("dag") == today:
        return bool(stored.get("tonen"))
    return _look_up(request, user, today)


def _look_up(request, user, today: str) -> bool:
    tonen = toegang.overview_scopes(user).select_related(None).exists()
    request.session[SESSION_KEY] = {"gebruiker": user.pk, "dag": today, "tonen": tonen}
    return tonen


def remember(request, user) -> None:
    """At login, while the session is written anyway: a scope granted since the last visit shows at once."""
    if request is not None and hasattr(request, "session"):
        _look_up(request, user, timezone.localdate().isoformat())
