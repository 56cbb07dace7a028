"""The bench's targets and the before/after variant's rules (issue 19): pure, no server, no database."""

from bench import basis, varianten
from bench.doelen import judge, judge_queries, yes_no
from bench.profiel import query_counts
from bench.verslag import markdown as load_markdown


def _row(pad, gebruikers, p95, requests=100, errors=0):
    return {"naam": pad, "pad": pad, "gebruikers": gebruikers, "p95_ms": p95, "requests": requests, "errors": errors,
            "p50_ms": p95 / 2, "p99_ms": p95, "rps": 10.0}


def test_a_page_is_judged_against_ten_times_bare_with_the_four_times_step_beside_it():
    rows = [_row("/kaal/", 10, 5.0), _row("/snel/", 10, 15.0), _row("/midden/", 10, 40.0),
            _row("/traag/", 10, 60.0), _row("/kaal/", 50, 20.0), _row("/last/", 50, 900.0)]

    judge(rows, bare_path="/kaal/")

    assert [(r["pad"], r["gehaald"], r["stap_gehaald"]) for r in rows[1:4]] == [
        ("/snel/", True, True), ("/midden/", True, False), ("/traag/", False, False)]
    assert rows[1]["doel"] == "p95 ≤ 10 × kaal" and rows[1]["stap"] == "p95 ≤ 4 × kaal"
    # At 50 users only the errors count; no ratio step is judged there.
    assert (rows[5]["gehaald"], rows[5]["stap_gehaald"], rows[5]["doel"]) == (True, None, "0 fouten")


def test_exactly_ten_times_bare_meets_the_target_and_a_hair_over_does_not():
    rows = [_row("/kaal/", 10, 5.0), _row("/grens/", 10, 50.0), _row("/over/", 10, 50.01)]

    judge(rows, bare_path="/kaal/")

    assert [r["gehaald"] for r in rows[1:]] == [True, False]


def test_a_page_without_answers_never_meets_the_step_either():
    rows = [_row("/kaal/", 10, 5.0), _row("/dood/", 10, 0.0, requests=0)]

    judge(rows, bare_path="/kaal/")

    assert (rows[1]["gehaald"], rows[1]["stap_gehaald"], rows[1]["reden"]) == (
        False, False, "geen enkel verzoek beantwoord")


def test_without_a_bare_row_at_that_concurrency_no_page_is_met():
    rows = [_row("/pagina/", 10, 1.0)]

    judge(rows, bare_path="/kaal/")

    assert (rows[0]["p95_ratio"], rows[0]["gehaald"], rows[0]["stap_gehaald"]) == (None, False, False)


def test_the_load_table_shows_the_four_times_step_as_its_own_column():
    rows = [_row("/kaal/", 10, 5.0), _row("/midden/", 10, 40.0)]
    rows[0]["naam"] = "kale view (referentie)"
    judge(rows, bare_path="/kaal/")
    report = {"machine": {"cpu": "x", "cores": 2, "ram_gb": 1, "postgresql": "15", "python": "3.11",
                          "date": "2026-11-30T00:00:00"},
              "data": dict.fromkeys(["gemeenten", "basisteams", "driehoeken", "gebruikers", "lidmaatschappen",
                                     "rechten", "arrangementen", "afspraken", "overleggen", "actiepunten",
                                     "historie_arrangementen", "historie_afspraken", "historie_actiepunten"], 1),
              "server": {"gunicorn_workers": 3, "worker_class": "sync", "threads": 1,
                         "session_engine": "django.contrib.sessions.backends.db"},
              "wrk": {"duur_s": 1, "timeout": "10s"}, "gebruiker": {"driehoeken": ["a"]},
              "overzicht": {"dekking": {}}, "resultaten": rows}

    lines = load_markdown(report).splitlines()

    assert "| stap: ≤ 4 × kaal |" in lines[4]
    assert lines[-1] == "| /midden/ | 10 | 20.0 | 40.0 | 40.0 | 10.0 | 0 | 8.0 | p95 ≤ 10 × kaal | ja | **nee** |"


def test_queries_per_request_are_counted_from_the_measured_requests():
    assert query_counts([7, 9, 8]) == {"min": 7, "max": 9, "gemiddeld": 8}
    assert query_counts([]) == {"min": None, "max": None, "gemiddeld": None}


def test_a_list_page_meets_the_query_target_only_when_no_request_asked_more_than_twelve():
    rows = [{"naam": "lijst", "queries": {"min": 9, "max": 12}},
            {"naam": "lijst met uitschieter", "queries": {"min": 9, "max": 13}},
            {"naam": "lijst zonder telling", "queries": {"min": None, "max": None}},
            {"naam": "detail", "queries": {"min": 30, "max": 30}}]

    judge_queries(rows, list_pages={"lijst", "lijst met uitschieter", "lijst zonder telling"})

    assert [(r["queries_doel"], r["queries_gehaald"]) for r in rows] == [
        ("≤ 12 queries", True), ("≤ 12 queries", False), ("≤ 12 queries", False), (None, None)]
    assert [yes_no(r["queries_gehaald"]) for r in rows] == ["ja", "**nee**", "**nee**", ""]


def test_every_list_page_of_the_bench_is_marked_and_no_detail_page_is():
    import inspect

    from bench import national, national_extra

    source = inspect.getsource(national.pages) + inspect.getsource(national.overview_pages) \
        + inspect.getsource(national_extra.extra_pages)
    marked = [line for line in source.splitlines() if '"lijst": True' in line]
    assert len(marked) == 14
    assert not [line for line in marked if "detail" in line or "ondertekend" in line or "kale view" in line]


def test_the_previous_version_is_measured_only_when_its_migrations_are_the_same():
    here = {"samenwerking/migrations/0001_initial.py", "arrangementen/migrations/0022_advies.py"}

    assert basis.skip_reason(here, set(here), "abc123") is None
    reason = basis.skip_reason(here, {"samenwerking/migrations/0001_initial.py",
                                      "arrangementen/migrations/0021_oud.py"}, "abc123")
    assert reason == ("de migraties van abc123 verschillen van de huidige (alleen hier: 0022_advies.py; "
                      "alleen in abc123: 0021_oud.py)")


def test_a_long_list_of_differing_migrations_names_three_and_counts_the_rest():
    reason = basis.skip_reason({f"a/migrations/000{i}_x.py" for i in range(6)}, set(), "r")

    assert reason == "de migraties van r verschillen van de huidige (alleen hier: 0000_x.py, 0001_x.py, 0002_x.py " \
                     "en 3 meer)"


def test_only_python_files_directly_in_a_migrations_folder_count():
    assert basis.is_migration("actiepunten/migrations/0008_verslag_markdown.py")
    assert basis.is_migration("arrangementen/migrations/__init__.py")
    assert not basis.is_migration("arrangementen/migrations/README.md")
    assert not basis.is_migration("docs/migrations.py")


def test_the_variant_list_has_the_previous_version_after_the_default_and_the_default_again_last(monkeypatch):
    monkeypatch.setenv("BENCH_BASIS", "HEAD")
    monkeypatch.setattr(basis, "variant", lambda rev: {"naam": f"vorige versie ({rev})", "basis": rev, "niet": None})

    full = [v["naam"] for v in varianten.variants()]
    monkeypatch.setattr(varianten, "SHORT", True)
    short = [v["naam"] for v in varianten.variants()]

    assert full[:2] == [varianten.BASIS, "vorige versie (HEAD)"]
    assert full[2:-1] == [v["naam"] for v in varianten.VARIANTEN]
    assert full[-1] == short[-1] == varianten.BASIS + ", nogmaals aan het eind"
    assert short == [varianten.BASIS, "vorige versie (HEAD)", varianten.BASIS + ", nogmaals aan het eind"]


def test_without_bench_basis_there_is_no_previous_version(monkeypatch):
    monkeypatch.delenv("BENCH_BASIS", raising=False)

    assert not [v for v in varianten.variants() if v["naam"].startswith("vorige versie")]


def test_the_default_and_the_previous_version_measure_the_picture_too_the_picture_switch_only_the_picture(
        monkeypatch):
    monkeypatch.setenv("BENCH_BASIS", "HEAD")
    monkeypatch.setattr(basis, "variant", lambda rev: {"naam": f"vorige versie ({rev})", "basis": rev, "niet": None})
    pages = {v["naam"]: v.get("paginas", varianten.PAGES) for v in varianten.variants()}

    for naam in (varianten.BASIS, "vorige versie (HEAD)", varianten.BASIS + ", nogmaals aan het eind"):
        assert set(pages[naam]) == set(varianten.PAGES) | {"beeld: kaart en tabel", "API: beeld", "mijn actiepunten",
                                                           "API: actiepunten", "gegevensdeling: register",
                                                           "arrangement (ondertekend)"}
    assert set(pages["beeld zonder cache (BEELD_CACHE=false)"]) == {"kale view (referentie)", "beeld: kaart en tabel",
                                                                   "API: beeld"}
    assert pages["gunicorn: 2 sync-workers"] == varianten.PAGES


def _ab(variant, pagina, p95, rps):
    return {"variant": variant, "pagina": pagina, "p50_ms": p95 / 2, "p95_ms": p95, "rps": rps, "requests": 100,
            "errors": 0}


def test_before_and_after_compares_the_previous_version_with_the_mean_of_both_defaults():
    rows = [_ab(varianten.BASIS, "dashboard", 100.0, 50.0), _ab("vorige versie (be77d0f)", "dashboard", 300.0, 20.0),
            _ab(varianten.BASIS + ", nogmaals aan het eind", "dashboard", 140.0, 40.0)]

    lines = varianten.before_after(rows)

    assert "vorige versie (be77d0f) tegen standaard" in lines[1]
    assert lines[-1] == "| dashboard | 300.0 | 120.0 | 0.40 | 20.0 | 45.0 |"
    assert varianten.before_after([r for r in rows if not r["variant"].startswith("vorige")]) == []


def test_a_skipped_previous_version_shows_its_reason_in_the_variant_table():
    rows = [{"variant": "vorige versie (abc)", "pagina": "–", "niet_gemeten": "de migraties van abc verschillen"}]

    text = varianten.markdown(rows)

    assert "| vorige versie (abc) | – | – | – | – | – | niet gemeten: de migraties van abc verschillen | – |" in text


def test_the_current_migrations_are_the_files_on_disk_in_each_apps_migrations_folder(tmp_path):
    for path in ("samenwerking/migrations/0001_initial.py", "samenwerking/migrations/__init__.py",
                 "samenwerking/models.py", "arrangementen/migrations/0002_x.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("")

    assert basis.current_migrations(tmp_path) == {"samenwerking/migrations/0001_initial.py",
                                                   "samenwerking/migrations/__init__.py",
                                                   "arrangementen/migrations/0002_x.py"}
