"""Fill ondertekend_op (from the Statusovergang to ondertekend) and vervangen_per (the start of the next signed
version of the chain) for arrangements signed before the lifecycle fields existed.

The rule is arrangementen.levensloop's, repeated here on the historical models because a migration must not
import code that changes later.
"""

from django.db import migrations
from django.utils import timezone


def _start(arrangement):
    if arrangement.geldig_van is None:
        return None
    if arrangement.ondertekend_op is None:
        return arrangement.geldig_van
    return max(arrangement.geldig_van, timezone.localdate(arrangement.ondertekend_op))


def fill(apps, schema_editor):
    Arrangement = apps.get_model("arrangementen", "Arrangement")
    Statusovergang = apps.get_model("arrangementen", "Statusovergang")
    signed = {a.pk: a for a in Arrangement.objects.filter(status="ondertekend")}
    for overgang in Statusovergang.objects.filter(naar="ondertekend", arrangement_id__in=signed).order_by("op"):
        arrangement = signed[overgang.arrangement_id]
        if arrangement.ondertekend_op is None:
            arrangement.ondertekend_op = overgang.op
            Arrangement.objects.filter(pk=arrangement.pk).update(ondertekend_op=overgang.op)
    following = dict(Arrangement.objects.filter(vorige_versie__isnull=False).values_list("vorige_versie_id", "pk"))
    for arrangement in signed.values():
        if arrangement.vervangen_per is not None:
            continue
        starts, pk = [], following.get(arrangement.pk)
        while pk is not None:
            later = signed.get(pk)
            if later is not None and _start(later) is not None:
                starts.append(_start(later))
            pk = following.get(pk)
        # One that expired before its successor started was never replaced.
        if starts and not (arrangement.geldig_tot and arrangement.geldig_tot < min(starts)):
            Arrangement.objects.filter(pk=arrangement.pk).update(vervangen_per=min(starts))


class Migration(migrations.Migration):
    dependencies = [("arrangementen", "0010_afspraak_bijstellen_toelichting")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
