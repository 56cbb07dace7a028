"""The load rows against their targets (bench/national.py): apart, so the rule is testable without a server."""


def judge(results: list[dict], *, bare_path: str, ratio_target: float) -> None:
    """Sets p95_ratio, doel and gehaald on each row; a row without answered requests, or with nothing but errors,
    is never met, and says why in reden (a page that timed out must not pass as 0.0 ms)."""
    bare = {r["gebruikers"]: r["p95_ms"] for r in results if r["pad"] == bare_path}
    for r in results:
        reference = bare.get(r["gebruikers"])
        r["p95_ratio"] = r["p95_ms"] / reference if reference else None
        r["doel"] = f"p95 ≤ {ratio_target:g} × kaal" if r["gebruikers"] == 10 else "0 fouten"
        if r["requests"] == 0:
            r["gehaald"], r["reden"] = False, "geen enkel verzoek beantwoord"
        elif r["errors"] >= r["requests"]:
            r["gehaald"], r["reden"] = False, f"alleen fouten ({r['errors']})"
        elif r["gebruikers"] == 10:
            r["gehaald"] = r["p95_ratio"] is not None and r["p95_ratio"] <= ratio_target
        else:
            r["gehaald"] = r["errors"] == 0
