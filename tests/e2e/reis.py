"""Setup steps the browser journeys share, done through the services: each has its own journey elsewhere."""

from arrangementen import goedkeuring, workflow
from arrangementen.models import Arrangement
from samenwerking.models import Gebruiker, Rol


def the_other_parties_approve(arrangement: Arrangement) -> None:
    """Every required party still open approves through its demo reviewer (setup: per-party review has its own
    journey, tests/e2e/test_reis_partijen.py)."""
    reviewers = list(Gebruiker.objects.filter(lidmaatschappen__rol=Rol.REVIEWER).select_related("organisatie"))
    approved = goedkeuring.approved_organisaties(arrangement)
    for partij in goedkeuring.required_partijen(arrangement):
        if partij.organisatie_id not in approved:
            reviewer = next(u for u in reviewers if goedkeuring.party_of(u, [partij]) is not None)
            workflow.perform(arrangement=arrangement, action="goedkeuren", user=reviewer, namens="partij")
