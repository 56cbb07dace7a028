"""Hypothesis settings for the fuzz tests: bounded and deterministic, so the suite stays fast and repeatable.

`FUZZ` is the profile every fuzz test uses (as a decorator). FUZZ_VOORBEELDEN=1000 runs more examples locally.
Speed is not measured here (deadline=None); `make bench` measures speed.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_VOORBEELDEN", "100")),
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
FUZZ = settings.get_profile("fuzz")
