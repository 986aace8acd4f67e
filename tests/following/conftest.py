"""The additions fixtures (an App over a small corpus, a database, the fake arXiv) serve here too."""

from tests.additions.conftest import app, fake_time, settings  # noqa: F401
from tests.discord_adapter.conftest import loopback_only  # noqa: F401  (the network guard, autouse)
