"""The measurements against the issue's targets (bench/national.py, bench/profiel.py): apart, so the rules are
testable without a server.

- every page's p95 ≤ 10 × the bare view's p95 at 10 users in the same run (RATIO_TARGET), with the step towards
  ≤ 4 × (RATIO_STEP) judged beside it;
- 0 errors at 50 users;
- ≤ 12 queries per request on every list page (QUERY_TARGET), counted by the profiler over all its requests.
"""

RATIO_TARGET = 10.0
RATIO_STEP = 4.0
QUERY_TARGET = 12


def judge(results: list[dict], *, bare_path: str, ratio_target: float = RATIO_TARGET,
          ratio_step: float = RATIO_STEP) -> None:
    """Sets p95_ratio, doel, gehaald and (at 10 users) stap_gehaald on each row; a row without answered requests,
    or with nothing but errors, is never met, and says why in reden (a page that timed out must not pass as 0.0 ms)."""
    bare = {r["gebruikers"]: r["p95_ms"] for r in results if r["pad"] == bare_path}
    for r in results:
        reference = bare.get(r["gebruikers"])
        r["p95_ratio"] = r["p95_ms"] / reference if reference else None
        r["doel"] = f"p95 ≤ {ratio_target:g} × kaal" if r["gebruikers"] == 10 else "0 fouten"
        r["stap"] = f"p95 ≤ {ratio_step:g} × kaal" if r["gebruikers"] == 10 else None
        r["stap_gehaald"] = None
        if r["requests"] == 0:
            r["gehaald"], r["reden"] = False, "geen enkel verzoek beantwoord"
        elif r["errors"] >= r["requests"]:
            r["gehaald"], r["reden"] = False, f"alleen fouten ({r['errors']})"
        elif r["gebruikers"] == 10:
            r["gehaald"] = r["p95_ratio"] is not None and r["p95_ratio"] <= ratio_target
            r["stap_gehaald"] = r["p95_ratio"] is not None and r["p95_ratio"] <= ratio_step
        else:
            r["gehaald"] = r["errors"] == 0
        if r["stap"] and r["stap_gehaald"] is None:
            r["stap_gehaald"] = False


def judge_queries(rows: list[dict], *, list_pages: set[str], target: int = QUERY_TARGET) -> None:
    """Sets queries_doel and queries_gehaald on each profiled row: a list page meets the target when no request
    asked more than `target` queries (the maximum, not the mean: one slow path must not hide behind fast ones).
    Other pages get their count shown and no judgement (None). A list page without a count is never met."""
    for r in rows:
        if r["naam"] not in list_pages:
            r["queries_doel"], r["queries_gehaald"] = None, None
            continue
        r["queries_doel"] = f"≤ {target} queries"
        counted = r.get("queries") or {}
        r["queries_gehaald"] = counted.get("max") is not None and counted["max"] <= target


def yes_no(value: bool | None) -> str:
    """ja / **nee** for a judgement, empty where nothing was judged."""
    return "" if value is None else ("ja" if value else "**nee**")
