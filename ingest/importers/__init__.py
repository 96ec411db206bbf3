"""Parsers, one module per source format. They turn files into normalised records; no ORM here."""
