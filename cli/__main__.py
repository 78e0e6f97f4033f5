"""``python -m cli``: the same command line as the ``graphsvc`` script."""

from cli import main

main()
