"""CAS Registry Numbers: the one check every module uses."""

import re

CAS_PATTERN = re.compile(r"^\d{2,7}-\d{2}-\d$")


def cas_is_valid(cas: str) -> bool:
    """True for a well-formed CAS number whose check digit is right (the digits before it,
    from the right, weighted 1, 2, 3... sum to the check digit modulo 10)."""
    if not CAS_PATTERN.match(cas or ""):
        return False
    digits = cas.replace("-", "")[:-1][::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(cas[-1])
