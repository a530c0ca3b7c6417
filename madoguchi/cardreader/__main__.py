"""``python -m madoguchi.cardreader`` (also the ``madoguchi-cardreader`` console script)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
