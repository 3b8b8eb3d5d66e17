"""``python -m cjdsl``: the command line."""

from cjdsl.cli import main

main()
