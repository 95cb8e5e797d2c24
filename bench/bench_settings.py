"""Settings for ``bench/submit.py`` only: the real settings plus one bare baseline URL.

The product's URLs are untouched; ``bench.bare_urls`` includes them and adds ``/bench/bare/``.
"""

from chalkface.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
