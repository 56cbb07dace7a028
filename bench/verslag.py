"""The Markdown of the national run's load table (bench/national.py writes it to bench/results/national.md)."""

from bench.doelen import RATIO_STEP, yes_no


def markdown(report: dict) -> str:
    m, d = report["machine"], report["data"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; {m['date'][:10]}. gunicorn met {report['server']['gunicorn_workers']} "
        f"{report['server']['worker_class']}-workers ({report['server']['threads']} thread(s)), sessies in "
        f"{report['server']['session_engine'].rsplit('.', 1)[-1]} "
        f"op 127.0.0.1, productie-instellingen; wrk {report['wrk']['duur_s']} s per meting, timeout "
        f"{report['wrk']['timeout']}.",
        "",
        f"Gegevens: {d['gemeenten']} gemeenten, {d['basisteams']} basisteams, {d['driehoeken']} driehoeken, "
        f"{d['gebruikers']} gebruikers met {d['lidmaatschappen']} lidmaatschappen ({d['rechten']} objectrechten), "
        f"{d['arrangementen']} arrangementen met {d['afspraken']} afspraken, {d['overleggen']} overleggen, "
        f"{d['actiepunten']} actiepunten; historie: {d['historie_arrangementen']} + {d['historie_afspraken']} + "
        f"{d['historie_actiepunten']} regels (arrangementen, afspraken, actiepunten). Gemeten als BOA-coördinator in "
        f"{len(report['gebruiker']['driehoeken'])} driehoeken; het beeld (kaart, tabel, API) als landelijke "
        f"overzichtsgebruiker over alle gemeenten, vandaag: "
        + ", ".join(f"{n} {state}" for state, n in report["overzicht"]["dekking"].items()) + ".",
        "",
        "| pagina | gebruikers | p50 (ms) | p95 (ms) | p99 (ms) | verzoeken/s | fouten | p95 / kaal | doel | gehaald "
        f"| stap: ≤ {RATIO_STEP:g} × kaal |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for r in report["resultaten"]:
        ratio = f"{r['p95_ratio']:.1f}" if r["p95_ratio"] is not None else "–"
        reference = r["naam"].startswith("kale view")
        reason = f" ({r['reden']})" if r.get("reden") else ""
        lines.append(f"| {r['naam']} | {r['gebruikers']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
                     f"| {r['rps']:.1f} | {r['errors']} | {ratio} | {'' if reference else r['doel']} | "
                     f"{'' if reference else yes_no(r['gehaald'])}{reason} | "
                     f"{'' if reference else yes_no(r.get('stap_gehaald'))} |")
    return "\n".join(lines) + "\n"
