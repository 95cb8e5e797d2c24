"""gunicorn configuration for ``bench/pages.py``: only a hook, the command line sets everything else.

Each worker imports the insight and API modules once it has loaded the application, so that the first
request a worker happens to get is not charged for importing Polars, the evidence layer and the chart
libraries (requests go to whichever worker is free, so without this the median could include imports).
"""


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    import chalkface.api.api
    import chalkface.insights.alerts
    import chalkface.insights.brief
    import chalkface.insights.views  # noqa: F401
