"""`python -m kzprivacy.cli`: the same as the `kzprivacy` command."""

from kzprivacy.cli import main

main()
