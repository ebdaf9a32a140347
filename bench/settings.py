"""Settings of the benchmark's web server: the portal's own, plus a trivial view.

The rate limits (and the hold of answers beyond a plausible number) are lifted, because
every request of the load generator comes from one address; everything else is exactly
what production runs.
"""

from copgirls.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ASSESSMENTS_RATE_PER_LINK = 10**9
ASSESSMENTS_RATE_PER_CLIENT = 10**9
# One address and one cookie send thousands of girls' answers: none of them is held.
ASSESSMENTS_PLAUSIBLE_PER_CLIENT = 10**9
ASSESSMENTS_PLAUSIBLE_PER_ADDRESS = 10**9
MFA_REQUIRED = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
