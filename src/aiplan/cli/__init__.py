"""The command line. :func:`run` is the ``aiplan`` console script and ``python -m aiplan``."""


def run() -> None:
    """Run the ``aiplan`` command (:func:`aiplan.cli.main.run`), with the cyclic garbage
    collector running less often from the first import on (mypy's setting).

    Start-up allocates tens of thousands of objects that all live to the end, and
    linting makes almost no reference cycles (measured: the same peak memory over
    10,000 plans with the collector off). Set before click and the rest are imported,
    the threshold also spares the collections their imports would trigger (about
    5 M instructions, callgrind), which is why this is not in :mod:`aiplan.cli.main`.
    """
    import gc

    gc.set_threshold(200_000, 30, 30)
    from aiplan.cli.main import run as run_command

    run_command()
