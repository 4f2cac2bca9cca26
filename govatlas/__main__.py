"""``python -m govatlas``: the same command line as ``govatlas``."""

from govatlas.cli import main

main()
