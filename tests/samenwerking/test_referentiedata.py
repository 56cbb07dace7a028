import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samenwerking.models import Basisteam, District, Eenheid, Gemeente, Veiligheidsregio, Werkgebied
from samenwerking.referentiedata import (
    DATA_DIR,
    ReferentiedataFout,
    import_basisteams,
    load_reference_data,
    parse_dekking,
)

HEADER = (
    "basisteam_naam,politie_eenheid_code,district,gemeentecode,gemeentenaam,dekking,bron,"
    "bron_datum,betrouwbaarheid\n"
)


def history_rows() -> int:
    return sum(m.history.count() for m in (Eenheid, Veiligheidsregio, Gemeente, Basisteam, Werkgebied))


@pytest.fixture
def geladen(db):
    load_reference_data()


def test_load_gives_the_national_counts(geladen):
    assert Gemeente.objects.count() == 342
    assert Eenheid.objects.count() == 11
    assert Veiligheidsregio.objects.count() == 25
    assert District.objects.count() == 5


def test_second_load_changes_nothing_not_even_history(geladen):
    before = history_rows()
    resultaat = load_reference_data()
    assert resultaat.aangemaakt == 0
    assert resultaat.gewijzigd == 0
    assert Gemeente.objects.count() == 342
    assert Eenheid.objects.count() == 11
    assert Veiligheidsregio.objects.count() == 25
    assert history_rows() == before


def test_command_loads_and_reports(db, capsys):
    call_command("laad_referentiedata")
    call_command("laad_referentiedata")
    out = capsys.readouterr().out
    assert "gemeenten: 0 aangemaakt, 0 gewijzigd, 342 ongewijzigd" in out
    assert "onvolledig" in out


def test_official_and_display_names_are_kept_apart(geladen):
    den_haag = Gemeente.objects.get(cbs_code="GM0518")
    assert den_haag.officiele_naam == "'s-Gravenhage"
    assert den_haag.weergavenaam == "Den Haag"
    bergen = Gemeente.objects.get(cbs_code="GM0893")
    assert bergen.eenheid.code == "RE10"
    assert bergen.veiligheidsregio.code == "VR23"


def test_display_name_chosen_by_beheerder_survives_reload(geladen):
    Gemeente.objects.filter(cbs_code="GM0342").update(weergavenaam="Soest (Utr.)")
    load_reference_data()
    assert Gemeente.objects.get(cbs_code="GM0342").weergavenaam == "Soest (Utr.)"


def test_seed_basisteams_and_werkgebieden(geladen):
    bes = Basisteam.objects.get(naam="BES")
    assert set(bes.werkgebieden.values_list("gemeente__cbs_code", flat=True)) == {
        "GM0308", "GM0313", "GM0310", "GM0317", "GM0342",
    }
    rotterdam = Werkgebied.objects.get(basisteam__naam="Maas & Rotte")
    assert rotterdam.dekking == Werkgebied.Dekking.DEEL
    assert rotterdam.omschrijving == "gebiedscluster Noord"
    apeldoorn = Werkgebied.objects.get(basisteam__naam="Apeldoorn")
    assert apeldoorn.dekking == Werkgebied.Dekking.ONBEKEND


def test_malformed_gemeenten_file_is_reported_by_line_and_writes_nothing(db, tmp_path):
    for name in DATA_DIR.glob("*.csv"):
        (tmp_path / name.name).write_text(name.read_text("utf-8"), "utf-8")
    lines = (tmp_path / "gemeenten.csv").read_text("utf-8").splitlines()
    lines[3] = lines[3].replace("GM0037", "XX37")  # line 4 in the file
    fields = lines[10].split(",")
    fields[4] = "VR99"  # line 11: an unknown veiligheidsregio
    lines[10] = ",".join(fields)
    (tmp_path / "gemeenten.csv").write_text("\n".join(lines) + "\n", "utf-8")

    with pytest.raises(ReferentiedataFout) as excinfo:
        load_reference_data(tmp_path)

    problemen = excinfo.value.problemen
    assert any(p.startswith("regel 4:") and "XX37" in p for p in problemen)
    assert any(p.startswith("regel 11:") and "VR99" in p for p in problemen)
    assert "niets gewijzigd" in str(excinfo.value)
    # All or nothing: the eenheden and regio's read before the bad file were rolled back too.
    assert Eenheid.objects.count() == 0
    assert Gemeente.objects.count() == 0


def test_ragged_row_is_reported_by_line(geladen):
    text = HEADER + "Team A,RE03,,GM0308,Baarn,gehele gemeente,bron,2024-01-01,hoog\nTeam B,RE03\n"
    with pytest.raises(ReferentiedataFout) as excinfo:
        import_basisteams(text)
    assert excinfo.value.problemen == ["regel 3: het aantal velden klopt niet met de kopregel"]
    assert not Basisteam.objects.filter(naam="Team A").exists()


def test_missing_column_is_reported(geladen):
    with pytest.raises(ReferentiedataFout) as excinfo:
        import_basisteams("basisteam_naam,gemeentecode\nA,GM0308\n")
    assert "regel 1" in excinfo.value.problemen[0]
    assert "politie_eenheid_code" in excinfo.value.problemen[0]


def test_basisteam_import_is_all_or_nothing_with_line_numbers(geladen):
    text = HEADER + (
        "Nieuw Team,RE03,,GM0344,Utrecht,gehele gemeente,bron,2024,hoog\n"
        ",RE03,,GM0344,Utrecht,gehele gemeente,bron,2024,hoog\n"
        "Ander Team,RE77,,GM9999,Nergens,gehele gemeente,bron,2024,hoog\n"
    )
    with pytest.raises(ReferentiedataFout) as excinfo:
        import_basisteams(text)
    problemen = excinfo.value.problemen
    assert "regel 3: basisteam_naam is leeg" in problemen
    assert "regel 4: onbekende politie-eenheid 'RE77'" in problemen
    assert "regel 4: onbekende gemeentecode 'GM9999'" in problemen
    assert not Basisteam.objects.filter(naam="Nieuw Team").exists()


def test_basisteam_import_command_reports_errors_in_dutch(geladen, tmp_path):
    bestand = tmp_path / "teams.csv"
    bestand.write_text(HEADER + "X,RE03,Onbekend District,GM0344,Utrecht,geheel,b,2024,hoog\n", "utf-8")
    with pytest.raises(CommandError, match="regel 2: onbekend district 'Onbekend District'"):
        call_command("importeer_basisteams", str(bestand))


def test_basisteam_import_twice_changes_nothing(geladen):
    text = HEADER + "Utrecht-Oost,RE03,Utrecht Stad,GM0344,Utrecht,deel van gemeente (Oost),b,2024,hoog\n"
    first = import_basisteams(text)
    second = import_basisteams(text)
    assert first.aangemaakt == 2
    assert second.aangemaakt == second.gewijzigd == 0
    team = Basisteam.objects.get(naam="Utrecht-Oost")
    assert team.district.naam == "Utrecht Stad"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gehele gemeente (overige niet geverifieerd)", ("geheel", "overige niet geverifieerd")),
        ("deel van gemeente (ten noorden van de Rijn)", ("deel", "ten noorden van de Rijn")),
        ("niet vermeld in bron", ("onbekend", "niet vermeld in bron")),
    ],
)
def test_parse_dekking(text, expected):
    assert parse_dekking(text) == expected
