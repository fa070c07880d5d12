"""`python -m toolkit` runs the bitext command."""

from toolkit.cli import main

main()
