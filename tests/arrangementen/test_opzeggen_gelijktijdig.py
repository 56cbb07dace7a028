"""Two parties giving notice at the same moment: exactly one notice is stored, the other hears who was first."""

import threading

from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from arrangementen import opzeggen
from arrangementen.models import Opzegging, Signalering
from samenwerking.models import Organisatie

from .conftest import bouw_wereld
from .opzegwereld import partij, signed, signer_for


def test_two_notices_at_once_store_one(transactional_db):
    arrangement = signed(bouw_wereld())
    signers = {soort: signer_for(arrangement, soort) for soort in (Organisatie.Soort.GEMEENTE,
                                                                    Organisatie.Soort.POLITIE)}
    together = threading.Barrier(2, timeout=60)
    outcomes: dict = {}

    def run(soort):
        try:
            together.wait()
            opzeggen.opzeggen(arrangement=arrangement, user=signers[soort], partij=partij(arrangement, soort),
                              reden=f"Opzegging van {soort}.")
            outcomes[soort] = "opgezegd"
        except ValidationError as error:
            outcomes[soort] = " ".join(error.messages)
        except Exception as error:  # noqa: BLE001 - any other failure is the test's finding
            outcomes[soort] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(soort,)) for soort in signers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    stored = Opzegging.objects.select_related("partij__organisatie").get(arrangement=arrangement)
    winner = stored.partij.organisatie.soort
    loser = next(soort for soort in signers if soort != winner)
    assert outcomes[winner] == "opgezegd"
    assert outcomes[loser].startswith("Dit arrangement is al opgezegd door "), outcomes
    assert set(Signalering.objects.filter(soort=Signalering.Soort.OPGEZEGD).values_list("periode", flat=True)) == {
        f"o{stored.pk}"}
