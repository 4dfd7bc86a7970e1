"""`python -m evalkit` is the `evalkit` command."""

from evalkit.cli import main

if __name__ == "__main__":
    main()
