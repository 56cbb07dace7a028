"""What the overleggen and actiepunten API reads and writes: output serializers, then strict input."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from samenwerking.apibasis import AantalField, DatumField, IdField, KeuzeLabelField, StrictMixin, TekstField, one_line
from samenwerking.tekstlimieten import REGELS, VERSLAG

from .. import workflow
from ..forms import STATUS_FILTERS
from ..models import Overleg, Status

TE_VEEL_REGELS = gettext_lazy("Geef hoogstens {max_length} regels.")


@extend_schema_field(OpenApiTypes.STR)
class KeuzeField(serializers.ChoiceField):
    """A choice written as a plain string in the schema: `status`, `soort` and `actie` already name other
    apps' enums there, and a second choice set under the same name would rename theirs."""

    default_error_messages = {"invalid_choice": gettext_lazy("'{input}' is geen geldige keuze.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        waarden = ", ".join(f"`{value}`" for value in self.choices if value != "")
        self.help_text = f"{self.help_text} " if self.help_text else ""
        self.help_text += f"Een van: {waarden}."


class TijdField(serializers.TimeField):
    default_error_messages = {"invalid": gettext_lazy("Geen geldige tijd: gebruik UU:MM, bijvoorbeeld 10:30.")}


@extend_schema_field({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$", "example": "19:30:00"})
class UitvoerTijdField(serializers.TimeField):
    """A time of day as the API writes it (UU:MM:SS, local time, no offset): not OpenAPI's `format: time`, which
    demands an offset."""


def _id_field(**kwargs):
    return AantalField(min_value=1, **kwargs)


# --- output -------------------------------------------------------------------------------------------

class ActiepuntTransitieOptieSerializer(serializers.Serializer):
    actie = serializers.CharField(source="action")
    label = serializers.CharField()
    toelichting_verplicht = serializers.BooleanField(source="reason_required")


class ActiepuntSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    driehoek = serializers.IntegerField(source="driehoek_id", read_only=True)
    driehoek_naam = serializers.CharField(source="driehoek.naam", read_only=True)
    overleg = serializers.IntegerField(source="overleg_id", read_only=True, allow_null=True)
    overleg_naam = serializers.SerializerMethodField()
    nummer = serializers.IntegerField(read_only=True)
    onderwerp = serializers.CharField(read_only=True)
    eigenaar = serializers.IntegerField(source="eigenaar_id", read_only=True, allow_null=True,
                                        help_text="Id van de eigenaar; leeg bij een externe eigenaar.")
    eigenaar_naam = serializers.CharField(read_only=True)
    extern_naam = serializers.CharField(read_only=True)
    extern_email = serializers.CharField(read_only=True)
    extern_organisatie = serializers.CharField(read_only=True)
    datum_gereed = serializers.DateField(read_only=True, allow_null=True,
                                         help_text="Leeg: datum onbekend (bij een import bewust opengelaten).")
    status = KeuzeField(choices=Status.choices, read_only=True)
    status_label = KeuzeLabelField("status")
    signaal = serializers.SerializerMethodField(help_text="`verlopen`, `binnenkort`, of anders de status.")
    signaal_label = KeuzeLabelField("signaal")
    toelichting = serializers.CharField(read_only=True)
    arrangement = serializers.IntegerField(source="arrangement_id", read_only=True, allow_null=True)
    afspraak = serializers.IntegerField(source="afspraak_id", read_only=True, allow_null=True)
    gereed_op = serializers.DateField(read_only=True, allow_null=True)
    aangemaakt_op = serializers.DateTimeField(read_only=True)
    gewijzigd_op = serializers.DateTimeField(read_only=True)

    def get_overleg_naam(self, actiepunt) -> str | None:
        return str(actiepunt.overleg) if actiepunt.overleg_id else None

    def get_signaal(self, actiepunt) -> str:
        return actiepunt.signaal()


class ActiepuntDetailSerializer(ActiepuntSerializer):
    transities = serializers.SerializerMethodField(
        help_text="De statuswijzigingen die u nu mag uitvoeren (POST …/status/ met deze `actie`).",
    )

    @extend_schema_field(ActiepuntTransitieOptieSerializer(many=True))
    def get_transities(self, actiepunt):
        return ActiepuntTransitieOptieSerializer(self.context["transities"], many=True).data


class DeelnemerSerializer(StrictMixin, serializers.Serializer):
    """Een lid van de driehoek (`gebruiker`), of iemand anders met naam en organisatie."""

    gebruiker = _id_field(allow_null=True, default=None, help_text="Id van een lid van de driehoek.")
    naam = TekstField(max_length=200, allow_blank=True, default="")
    organisatie = TekstField(max_length=200, allow_blank=True, default="")
    aanwezig = serializers.BooleanField(default=True, error_messages={"invalid": gettext_lazy("Kies true of false.")})

    def validate(self, attrs):
        # A partial update of an overleg applies no defaults to nested deelnemers: absent means empty.
        if attrs.get("gebruiker") is None and not attrs.get("naam", "").strip():
            raise serializers.ValidationError({"naam": [_("Geef een gebruiker of een naam.")]})
        return attrs

    def to_representation(self, deelname):
        return {"gebruiker": deelname.gebruiker_id,
                "naam": str(deelname.gebruiker) if deelname.gebruiker_id else deelname.naam,
                "organisatie": deelname.organisatie, "aanwezig": deelname.aanwezig}


class OverlegSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    driehoek = serializers.IntegerField(source="driehoek_id", read_only=True)
    driehoek_naam = serializers.CharField(source="driehoek.naam", read_only=True)
    soort = KeuzeField(choices=Overleg.Soort.choices, read_only=True)
    soort_label = KeuzeLabelField("soort")
    titel = serializers.CharField(read_only=True)
    naam = serializers.CharField(read_only=True, help_text="De titel, of anders de soort overleg.")
    datum = serializers.DateField(read_only=True)
    begintijd = UitvoerTijdField(read_only=True, allow_null=True)
    eindtijd = UitvoerTijdField(read_only=True, allow_null=True)
    locatie = serializers.CharField(read_only=True)
    voorzitter = serializers.IntegerField(source="voorzitter_id", read_only=True, allow_null=True)
    voorzitter_naam = serializers.CharField(read_only=True)
    secretaris = serializers.IntegerField(source="secretaris_id", read_only=True, allow_null=True)
    secretaris_naam = serializers.CharField(read_only=True)
    aantal_actiepunten = serializers.IntegerField(read_only=True)


class OverlegDetailSerializer(OverlegSerializer):
    """Het overleg met verslag (opgeschoonde HTML), deelnemers, afwezigen, agenda, besluiten en actiepunten."""

    aantal_actiepunten = None
    voorzitter_extern = serializers.CharField(read_only=True)
    secretaris_extern = serializers.CharField(read_only=True)
    verslag = serializers.CharField(source="verslag_veilig", read_only=True,
                                    help_text="HTML gemaakt uit de Markdown van het verslag (een ouder verslag in "
                                              "HTML: opgeschoond), alleen eenvoudige opmaak.")
    deelnemers = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()
    besluiten = serializers.SerializerMethodField()
    actiepunten = serializers.SerializerMethodField()

    @extend_schema_field(DeelnemerSerializer(many=True))
    def get_deelnemers(self, overleg):
        detail = self.context["detail"]
        return [DeelnemerSerializer().to_representation(d) for d in [*detail["deelnemers"], *detail["afwezigen"]]]

    def get_agenda(self, overleg) -> list[str]:
        return [a.onderwerp for a in self.context["detail"]["agendapunten"]]

    def get_besluiten(self, overleg) -> list[str]:
        return [b.tekst for b in self.context["detail"]["besluiten"]]

    @extend_schema_field(ActiepuntSerializer(many=True))
    def get_actiepunten(self, overleg):
        return ActiepuntSerializer(self.context["detail"]["actiepunten"], many=True, context=self.context).data


# --- input --------------------------------------------------------------------------------------------

class OverlegFilterSerializer(serializers.Serializer):
    driehoek = IdField(required=False, help_text="Id van een driehoek.")
    soort = serializers.ChoiceField(choices=Overleg.Soort.choices, required=False, allow_blank=True,
                                    error_messages=KeuzeField.default_error_messages)
    van = DatumField(required=False, help_text="Op of na deze datum.")
    tot = DatumField(required=False, help_text="Op of vóór deze datum.")


class OverlegWriteSerializer(StrictMixin, serializers.Serializer):
    """PUT vervangt alles (weggelaten lijsten worden leeg); PATCH wijzigt alleen de meegestuurde velden.
    `deelnemers`, `agenda` en `besluiten` worden altijd als geheel vervangen."""

    soort = KeuzeField(choices=Overleg.Soort.choices)
    titel = TekstField(max_length=250, allow_blank=True, default="")
    datum = DatumField()
    begintijd = TijdField(allow_null=True, default=None)
    eindtijd = TijdField(allow_null=True, default=None)
    locatie = TekstField(max_length=250, allow_blank=True, default="")
    voorzitter = _id_field(allow_null=True, default=None, help_text="Id van een lid van de driehoek.")
    voorzitter_extern = TekstField(max_length=200, allow_blank=True, default="")
    secretaris = _id_field(allow_null=True, default=None, help_text="Id van een lid van de driehoek.")
    secretaris_extern = TekstField(max_length=200, allow_blank=True, default="")
    verslag = TekstField(allow_blank=True, default="", max_length=VERSLAG,
                         help_text="Markdown, zoals het verslag per agendapunt. Tekst met HTML-tags wordt als "
                                   "HTML opgeschoond: scripts en andere opmaak worden verwijderd.")
    deelnemers = DeelnemerSerializer(many=True, default=list, max_length=REGELS,
                                     error_messages={"max_length": TE_VEEL_REGELS},
                                     help_text="Aanwezigen en afwezigen (`aanwezig`).")
    agenda = serializers.ListField(child=TekstField(max_length=300), default=list, max_length=REGELS,
                                   error_messages={"max_length": TE_VEEL_REGELS})
    besluiten = serializers.ListField(child=TekstField(), default=list, max_length=REGELS,
                                      error_messages={"max_length": TE_VEEL_REGELS})

    def validate_deelnemers(self, value):
        ids = [d["gebruiker"] for d in value if d["gebruiker"] is not None]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(_("Noem elke gebruiker hoogstens één keer."))
        return value

    def validate_titel(self, value):
        return one_line(value)


class OverlegCreateSerializer(OverlegWriteSerializer):
    driehoek = _id_field(help_text="Id van een driehoek waarin u overleggen vastlegt.")


class ActiepuntFilterSerializer(serializers.Serializer):
    mijn = serializers.BooleanField(required=False, default=False, help_text="Alleen mijn eigen actiepunten.",
                                    error_messages={"invalid": gettext_lazy("Kies true of false.")})
    driehoek = IdField(required=False, help_text="Id van een driehoek.")
    status = serializers.ChoiceField(choices=STATUS_FILTERS, required=False, allow_blank=True,
                                     help_text="Een status, of `lopend`, `verlopen`, `binnenkort`.",
                                     error_messages=KeuzeField.default_error_messages)
    eigenaar = IdField(required=False, help_text="Id van de eigenaar.")
    wie = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                help_text="Naam of organisatie van de eigenaar bevat.")
    overleg = IdField(required=False, help_text="Id van een overleg.")
    arrangement = IdField(required=False, help_text="Id van een arrangement.")
    van = DatumField(required=False, help_text="Gereed op of na deze datum.")
    tot = DatumField(required=False, help_text="Gereed op of vóór deze datum.")

    def validate(self, attrs):
        if attrs.get("van") and attrs.get("tot") and attrs["tot"] < attrs["van"]:
            raise serializers.ValidationError({"tot": [_("Deze datum ligt vóór 'van'.")]})
        return attrs


class ActiepuntWriteSerializer(StrictMixin, serializers.Serializer):
    """PUT vervangt alle bewerkbare velden; PATCH wijzigt alleen de meegestuurde velden. De eigenaar is een
    lid van de driehoek (`eigenaar`), of iemand van buiten (`extern_naam`, e-mail en organisatie)."""

    onderwerp = TekstField()
    eigenaar = _id_field(allow_null=True, default=None, help_text="Id van een lid van de driehoek.")
    extern_naam = TekstField(max_length=200, allow_blank=True, default="")
    extern_email = serializers.EmailField(allow_blank=True, default="",
                                          error_messages={"invalid": gettext_lazy("Vul een geldig e-mailadres in.")})
    extern_organisatie = TekstField(max_length=200, allow_blank=True, default="")
    datum_gereed = DatumField(allow_null=True, help_text="Leeg (null) alleen bij een actiepunt dat al 'datum "
                                                         "onbekend' is.")
    toelichting = TekstField(allow_blank=True, default="")
    arrangement = _id_field(allow_null=True, default=None, help_text="Id van een arrangement van de driehoek.")
    afspraak = _id_field(allow_null=True, default=None, help_text="Id van een afspraak uit dat arrangement.")


class ActiepuntCreateSerializer(ActiepuntWriteSerializer):
    datum_gereed = DatumField()
    driehoek = _id_field(help_text="Id van een driehoek waarin u actiepunten beheert.")
    overleg = _id_field(allow_null=True, default=None, help_text="Id van een overleg van die driehoek.")
    nummer = AantalField(min_value=1, max_value=999999, allow_null=True, default=None,
                         help_text="Leeg: het volgende vrije nummer.")


class StatusWijzigingSerializer(StrictMixin, serializers.Serializer):
    actie = KeuzeField(choices=workflow.ACTIONS)
    toelichting = TekstField(allow_blank=True, default="", max_length=2000,
                             help_text="Verplicht bij laten vervallen en heropenen.")
