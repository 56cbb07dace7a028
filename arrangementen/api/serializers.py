"""What the arrangementen API reads and writes: output serializers, then strict input with Dutch messages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from samenwerking.apibasis import AantalField, DatumField, IdField, KeuzeLabelField, StrictMixin, TekstField, one_line
from samenwerking.models import Basisteam, Gemeente
from samenwerking.tekstlimieten import LANGE_TEKST

from .. import workflow
from ..forms import check_peildatum
from ..models import (
    Afspraak,
    Arrangement,
    Beoordeling,
    BoaInzet,
    Domein,
    Levensfase,
    Modelafspraak,
    Onderwerp,
    Opzegging,
    Partij,
    Status,
    Statusovergang,
    Verantwoordelijke,
)
from .geweldserializers import GeenOudeLijst, GeweldsmiddelenVeld
from .stroomserializers import GegevensstroomSerializer

# The user may ask for these; `system` transitions (signing) are performed by the product itself.
API_ACTIONS = sorted({t.action for t in workflow.TRANSITIONS if not t.system})


# --- output -------------------------------------------------------------------------------------------

class OnderwerpSerializer(serializers.ModelSerializer):
    class Meta:
        model = Onderwerp
        fields = ["id", "naam", "niveau"]


class AfspraakSerializer(serializers.ModelSerializer):
    onderwerp = OnderwerpSerializer(read_only=True)
    niveau = serializers.CharField(read_only=True)

    class Meta:
        model = Afspraak
        fields = ["id", "onderwerp", "niveau", "titel", "tekst", "verantwoordelijke", "volgorde",
                  "modelafspraak"]


class PartijSerializer(serializers.ModelSerializer):
    organisatie = serializers.CharField(source="organisatie.naam", read_only=True)
    organisatie_id = serializers.IntegerField(read_only=True)
    soort = serializers.CharField(source="organisatie.soort", read_only=True)

    class Meta:
        model = Partij
        fields = ["id", "organisatie_id", "organisatie", "soort", "vertegenwoordiger", "ondertekenaar_functie",
                  "ondertekenaar_naam", "volgorde"]


class InzetSerializer(StrictMixin, serializers.ModelSerializer):
    """Basisgegevens: aantal BOA's en fte per domein."""

    domein = serializers.ChoiceField(choices=Domein.choices)
    aantal_boas = AantalField(min_value=0)
    fte = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, coerce_to_string=False,
        error_messages={"invalid": gettext_lazy("Vul een getal in, bijvoorbeeld 2.5."),
                        "min_value": gettext_lazy("Vul een getal van {min_value} of meer in.")},
    )

    class Meta:
        model = BoaInzet
        fields = ["domein", "aantal_boas", "fte"]

    def to_internal_value(self, data):
        # A PATCH makes the arrangement's fields optional, not a row's: a row names its domein, aantal and fte.
        if isinstance(data, dict):
            missing = {name: [_("Dit veld is vereist.")] for name in self.Meta.fields if name not in data}
            if missing:
                raise serializers.ValidationError(missing)
        return super().to_internal_value(data)


class OvergangSerializer(serializers.ModelSerializer):
    # Plain strings: the values are those of `status`; a second enum name for them confuses generators.
    van = serializers.CharField(read_only=True)
    naar = serializers.CharField(read_only=True)
    door = serializers.StringRelatedField()

    class Meta:
        model = Statusovergang
        fields = ["van", "naar", "door", "op", "toelichting"]


class TransitieOptieSerializer(serializers.Serializer):
    actie = serializers.CharField(source="action")
    label = serializers.CharField()
    toelichting_verplicht = serializers.BooleanField(source="reason_required")


class PartijStandSerializer(serializers.Serializer):
    """Where one party that must approve stands: not yet judged, approved, or changes asked."""

    organisatie = serializers.IntegerField(source="partij.organisatie_id")
    partij = serializers.CharField(source="partij.organisatie.naam")
    stand = serializers.SerializerMethodField(help_text="nog_niet_beoordeeld, goedgekeurd of wijzigingen_gevraagd")
    door = serializers.CharField(source="beoordeling.beoordelaar", default=None, allow_null=True)
    op = serializers.DateTimeField(source="beoordeling.op", default=None, allow_null=True)
    toelichting = serializers.CharField(source="beoordeling.toelichting", default=None, allow_null=True)

    def get_stand(self, obj) -> str:
        return obj.beoordeling.besluit if obj.beoordeling else "nog_niet_beoordeeld"


class PrivacyStandSerializer(PartijStandSerializer):
    """Where the privacy adviser's approval stands (needed when the arrangement shares data)."""

    organisatie = partij = None


class OpzeggingSerializer(serializers.ModelSerializer):
    """De opzegging van een ondertekend arrangement: namens welke partij, door wie, wanneer, per wanneer, waarom."""

    partij = serializers.IntegerField(source="partij_id", help_text="Het id van de partij (zie `partijen`).")
    partij_naam = serializers.CharField(source="partij.organisatie.naam")
    door = serializers.CharField(source="door.get_full_name")

    class Meta:
        model = Opzegging
        fields = ["partij", "partij_naam", "door", "gedaan_op", "ingangsdatum", "reden"]
        read_only_fields = fields


class LevensfaseMixin(serializers.Serializer):
    """The lifecycle state (arrangementen.levensloop) the queryset annotated: null unless ondertekend."""

    levensfase = serializers.ChoiceField(
        choices=Levensfase.choices, read_only=True, allow_null=True,
        help_text="Levensfase op de peildatum (standaard vandaag); null als het arrangement niet ondertekend is.",
    )
    levensfase_label = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_levensfase_label(self, obj):
        fase = getattr(obj, "levensfase", None)
        return str(Levensfase(fase).label) if fase else None


class ArrangementSerializer(LevensfaseMixin, serializers.ModelSerializer):
    driehoek_naam = serializers.CharField(source="driehoek.naam", read_only=True)
    status_label = KeuzeLabelField("status")
    aantal_afspraken = serializers.IntegerField(read_only=True)

    class Meta:
        model = Arrangement
        fields = ["id", "driehoek", "driehoek_naam", "titel", "versie", "status", "status_label",
                  "levensfase", "levensfase_label", "geldig_van", "geldig_tot", "evaluatiedatum",
                  "aantal_afspraken", "lock_version", "gewijzigd_op"]
        read_only_fields = fields


class ArrangementDetailSerializer(GeweldsmiddelenVeld, LevensfaseMixin, serializers.ModelSerializer):
    """Het arrangement met afspraken, partijen, BOA-inzet, statusgeschiedenis en mogelijke overgangen."""

    # The nested lists come from context["detail"] (selectors.arrangement_detail): a fixed number of queries.

    driehoek_naam = serializers.CharField(source="driehoek.naam", read_only=True)
    status_label = KeuzeLabelField("status")
    is_verlopen = serializers.BooleanField(read_only=True)
    afspraken = serializers.SerializerMethodField()
    partijen = serializers.SerializerMethodField()
    inzet = serializers.SerializerMethodField()
    overgangen = serializers.SerializerMethodField()
    beoordeling_per_partij = serializers.SerializerMethodField(
        help_text="De partijen die moeten goedkeuren, elk met hun laatste geldige besluit.",
    )
    beoordeling_privacy = serializers.SerializerMethodField(
        help_text="Het besluit van de privacyadviseur; null als het arrangement geen gegevens deelt (dan is het "
                  "niet nodig).")
    transities = serializers.SerializerMethodField(
        help_text="De statusovergangen die u nu mag uitvoeren (POST …/transitie/ met deze `actie`).",
    )
    opzegging = serializers.SerializerMethodField(help_text="De opzegging, als het arrangement is opgezegd.")
    gegevensstromen = serializers.SerializerMethodField(help_text="Het register van gegevensstromen (gegevensdeling).")

    class Meta:
        model = Arrangement
        fields = ["id", "driehoek", "driehoek_naam", "titel", "versie", "vorige_versie", "status",
                  "status_label", "levensfase", "levensfase_label", "is_verlopen", "doel", "aanleiding",
                  "werkgebied", "geweldsmiddelen",
                  "toezichthouders", "geldig_van", "geldig_tot", "evaluatiedatum", "opzegtermijn_maanden",
                  "vastgesteld_op", "besluit_referentie", "lock_version", "aangemaakt_op", "gewijzigd_op",
                  "afspraken", "partijen", "inzet", "overgangen", "beoordeling_per_partij", "transities",
                  "opzegging", "gegevensstromen", "beoordeling_privacy"]
        read_only_fields = fields

    @extend_schema_field(AfspraakSerializer(many=True))
    def get_afspraken(self, obj):
        return AfspraakSerializer(self.context["detail"]["afspraken"], many=True).data

    @extend_schema_field(PartijSerializer(many=True))
    def get_partijen(self, obj):
        return PartijSerializer(self.context["detail"]["partijen"], many=True).data

    @extend_schema_field(InzetSerializer(many=True))
    def get_inzet(self, obj):
        return InzetSerializer(self.context["detail"]["inzet"], many=True).data

    @extend_schema_field(OvergangSerializer(many=True))
    def get_overgangen(self, obj):
        return OvergangSerializer(self.context["detail"]["overgangen"], many=True).data

    @extend_schema_field(PartijStandSerializer(many=True))
    def get_beoordeling_per_partij(self, obj):
        return PartijStandSerializer(self.context["detail"]["partij_standen"], many=True).data

    @extend_schema_field(PrivacyStandSerializer(allow_null=True))
    def get_beoordeling_privacy(self, obj):
        stand = self.context["detail"]["privacy_stand"]
        return PrivacyStandSerializer(stand).data if stand is not None else None

    @extend_schema_field(TransitieOptieSerializer(many=True))
    def get_transities(self, obj):
        return TransitieOptieSerializer(self.context["transities"], many=True).data

    @extend_schema_field(GegevensstroomSerializer(many=True))
    def get_gegevensstromen(self, obj):
        return GegevensstroomSerializer(self.context["detail"]["gegevensstromen"], many=True).data

    @extend_schema_field(OpzeggingSerializer(allow_null=True))
    def get_opzegging(self, obj):
        opzegging = self.context.get("opzegging")
        return OpzeggingSerializer(opzegging).data if opzegging is not None else None


# --- input --------------------------------------------------------------------------------------------

class GemeenteCodeField(serializers.SlugRelatedField):
    """A gemeente by CBS code. A NUL character is refused before the lookup: PostgreSQL cannot compare text with
    one (a DataError, which was a 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class ArrangementFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    gemeente = GemeenteCodeField(
        slug_field="cbs_code", queryset=Gemeente.objects.all(), required=False, allow_null=True,
        help_text="CBS-code van de gemeente, bijvoorbeeld GM0344.",
        error_messages={"does_not_exist": gettext_lazy("Onbekende gemeente (CBS-code) '{value}'.")},
    )
    basisteam = serializers.PrimaryKeyRelatedField(
        queryset=Basisteam.objects.all(), required=False, allow_null=True, help_text="Id van het basisteam.",
        error_messages={"does_not_exist": gettext_lazy("Onbekend basisteam {pk_value}."),
                        "incorrect_type": gettext_lazy("Geef het nummer van een basisteam.")},
    )
    domein = serializers.ChoiceField(choices=Domein.choices, required=False, allow_blank=True)
    verloopt_binnen = AantalField(min_value=0, max_value=36500, required=False,
                                  help_text="Geldig tot binnen zoveel dagen.")
    evaluatie_gepland = serializers.BooleanField(
        required=False, default=False, error_messages={"invalid": gettext_lazy("Kies true of false.")},
    )
    zoek = serializers.CharField(required=False, allow_blank=True, max_length=200)
    levensfase = serializers.ChoiceField(choices=Levensfase.choices, required=False, allow_blank=True,
                                         help_text="Alleen arrangementen in deze levensfase op de peildatum.")
    peildatum = DatumField(required=False, allow_null=True,
                           help_text="De dag waarop de levensfase geldt (JJJJ-MM-DD); standaard vandaag.")

    def validate_peildatum(self, value):
        try:
            return check_peildatum(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class ArrangementCreateSerializer(StrictMixin, serializers.Serializer):
    driehoek = AantalField(help_text="Id van een driehoek waarin u arrangementen mag opstellen.")
    titel = TekstField(max_length=250)
    start = serializers.ChoiceField(
        choices=[("model", gettext_lazy("standaardmodel")), ("leeg", gettext_lazy("leeg"))], default="model",
    )

    def validate_titel(self, value):
        return one_line(value)


class ArrangementUpdateSerializer(GeenOudeLijst, StrictMixin, serializers.Serializer):
    """PUT vervangt alle bewerkbare velden (weggelaten velden worden leeg); PATCH wijzigt alleen de
    meegestuurde velden. `lock_version` is altijd verplicht; `inzet` wijzigt alleen de genoemde domeinen."""

    lock_version = AantalField(min_value=1, help_text="De lock_version die u ophaalde; verouderd → 409.")
    titel = TekstField(max_length=250)
    doel = TekstField(allow_blank=True, default="")
    aanleiding = TekstField(allow_blank=True, default="")
    werkgebied = TekstField(allow_blank=True, default="")
    toezichthouders = TekstField(allow_blank=True, default="")
    geldig_van = DatumField(allow_null=True, default=None)
    geldig_tot = DatumField(allow_null=True, default=None)
    evaluatiedatum = DatumField(allow_null=True, default=None)
    opzegtermijn_maanden = AantalField(min_value=0, allow_null=True, default=None)
    inzet = InzetSerializer(many=True, required=False, help_text="Alleen de genoemde domeinen veranderen.")

    def validate_inzet(self, value):
        domeinen = [regel["domein"] for regel in value]
        if len(domeinen) != len(set(domeinen)):
            raise serializers.ValidationError(_("Noem elk domein hoogstens één keer."))
        return value

    def validate_titel(self, value):
        return one_line(value)


class AfspraakCreateSerializer(StrictMixin, serializers.Serializer):
    """Een nieuwe afspraak. Met `modelafspraak` worden weggelaten velden uit die modelafspraak overgenomen."""

    lock_version = AantalField(min_value=1)
    modelafspraak = serializers.PrimaryKeyRelatedField(
        queryset=Modelafspraak.objects.filter(actief=True).select_related("onderwerp"), required=False,
        allow_null=True,
        error_messages={"does_not_exist": gettext_lazy("Onbekende modelafspraak {pk_value}."),
                        "incorrect_type": gettext_lazy("Geef het nummer van een modelafspraak.")},
    )
    onderwerp = serializers.PrimaryKeyRelatedField(
        queryset=Onderwerp.objects.filter(actief=True), required=False,
        error_messages={"does_not_exist": gettext_lazy("Onbekend onderwerp {pk_value}."),
                        "incorrect_type": gettext_lazy("Geef het nummer van een onderwerp.")},
    )
    titel = TekstField(max_length=200, required=False)
    tekst = TekstField(required=False)
    verantwoordelijke = serializers.ChoiceField(choices=Verantwoordelijke.choices, required=False)

    def validate(self, attrs):
        model = attrs.get("modelafspraak")
        for name in ("onderwerp", "titel", "tekst", "verantwoordelijke"):
            if name not in attrs and model is not None:
                attrs[name] = getattr(model, name)
        missing = [name for name in ("onderwerp", "titel", "tekst", "verantwoordelijke") if name not in attrs]
        if missing:
            raise serializers.ValidationError({name: [_("Dit veld is vereist.")] for name in missing})
        return attrs


class TransitieSerializer(StrictMixin, serializers.Serializer):
    actie = serializers.ChoiceField(choices=API_ACTIONS)
    toelichting = TekstField(allow_blank=True, default="",
                             help_text="Verplicht bij wijzigingen vragen en intrekken.")
    vastgesteld_op = DatumField(allow_null=True, default=None, help_text="Verplicht bij vaststellen.")
    besluit_referentie = TekstField(allow_blank=True, default="", max_length=200,
                                    help_text="Verplicht bij vaststellen.")
    bevestigd = serializers.BooleanField(
        default=False, error_messages={"invalid": gettext_lazy("Kies true of false.")},
        help_text="Bij goedkeuren terwijl er nog opmerkingen open staan: bevestig dat u toch goedkeurt.",
    )
    namens = serializers.ChoiceField(choices=Beoordeling.Hoedanigheid.choices, allow_blank=True, default="",
                                     help_text="Alleen wie beoordelaar én privacyadviseur is: partij of privacy.")


class OpzegVerzoekSerializer(StrictMixin, serializers.Serializer):
    partij = IdField(help_text="Het id van de partij namens wie u opzegt (zie `partijen`); u moet voor haar tekenen.")
    reden = TekstField(max_length=LANGE_TEKST, help_text="Waarom de partij opzegt.")
    ingangsdatum = DatumField(allow_null=True, default=None,
                              help_text="Wanneer de opzegging ingaat; leeg: vandaag plus de opzegtermijn (het "
                                        "vroegst mogelijke). Een eerdere datum wordt geweigerd.")


class VeldWijzigingSerializer(serializers.Serializer):
    veld = serializers.CharField()
    oud = serializers.CharField()
    nieuw = serializers.CharField()


class GebeurtenisSerializer(serializers.Serializer):
    """Eén wijziging door een ander sinds uw lock_version."""

    datum = serializers.DateTimeField()
    door = serializers.CharField()
    actie = serializers.CharField()
    onderwerp = serializers.CharField()
    reden = serializers.CharField()
    velden = VeldWijzigingSerializer(source="wijzigingen", many=True)


class VersieConflictSerializer(serializers.Serializer):
    """409: er is niets opgeslagen; `wijzigingen` zegt wat anderen intussen veranderden."""

    detail = serializers.CharField()
    code = serializers.CharField()
    lock_version = serializers.IntegerField(help_text="De huidige lock_version: stuur die bij een nieuwe poging.")
    wijzigingen = GebeurtenisSerializer(many=True)
