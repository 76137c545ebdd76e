"""What the commands declare to click and share: the ``--rule-timeout`` kind of value
(:class:`Seconds`), the configuration options (:func:`settings_options`), ``--stdin-filename``
(:func:`stdin_filename_option`), and the
translation of a :class:`~aiplan.cli.common.UsageProblem` into click's usage error."""

from __future__ import annotations

import functools
import math

import click

from aiplan.cli.common import UsageProblem


class Seconds(click.FloatRange):
    """A time budget in seconds: finite and not negative. ``FloatRange(min=0)`` alone takes
    ``nan`` (no comparison with it is true) and ``inf``, which no timer can arm."""

    name = "seconds"

    def __init__(self) -> None:
        super().__init__(min=0)

    def convert(self, value, param, ctx):
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!s} is not a finite number of seconds (0 turns the budget off).", param, ctx)
        return seconds


def settings_options(command):
    """--config, --isolated and --policy-pack: shared by every command that reads configuration."""
    command = click.option("--policy-pack", "policy_packs", multiple=True, type=click.Path(dir_okay=False),
                           metavar="FILE", help="Also apply this policy pack (YAML; repeatable).")(command)
    command = click.option("--isolated", is_flag=True,
                           help="Ignore every configuration file (pyproject.toml, .aiplan.toml).")(command)
    command = click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
                           help="Use this configuration file for every plan instead of the nearest one.")(command)
    return command


def stdin_filename_option(command):
    """--stdin-filename PATH: for the commands that read a plan from standard input (``lint -``,
    ``report -``); the paths it goes with are checked by :func:`aiplan.cli.common.stdin_paths`."""
    return click.option("--stdin-filename", "stdin_filename", metavar="PATH",
                        help="The path the plan read from standard input (-) stands for: its configuration, the "
                             "folder its relative paths start from (as if it were saved there) and the name reports "
                             "show (nothing is read from or written to it). Without PATHS, reads standard "
                             "input.")(command)


def reports_usage_problems(callback):
    """``callback`` with a :class:`UsageProblem` raised as click's ``UsageError``: click shows it
    with the command's usage line and exits 2."""

    @functools.wraps(callback)
    def reporting(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except UsageProblem as exc:
            raise click.UsageError(str(exc)) from None

    return reporting
