"""``python -m aiplan`` behaves exactly like the ``aiplan`` command."""

from aiplan.cli import run

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess test
    run()
