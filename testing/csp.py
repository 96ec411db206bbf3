"""The portal's Content-Security-Policy as the tests expect it, directive by directive, and a parser
for the header (used by portal/tests/test_security_csp.py and the browser tests' page fixture)."""

from __future__ import annotations

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in filter(None, (piece.strip() for piece in header.split(";"))):
        name, *values = part.split()
        parsed[name] = values
    return parsed
