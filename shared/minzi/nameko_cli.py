"""``python -m minzi.nameko_cli run …``: nameko's own command line (what ``python -m nameko``
runs), started with ``minzi`` imported first so that its warning filters hold (``minzi-run``
execs this)."""
import nameko.cli.main

if __name__ == "__main__":  # pragma: no cover
    nameko.cli.main.main()
