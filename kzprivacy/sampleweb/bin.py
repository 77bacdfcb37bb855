"""The Kazakhstan check digit of a 12-digit ИИН / БИН, for the sample sites' invented BINs."""

from __future__ import annotations

_FIRST = tuple(range(1, 12))
_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first11: str) -> int | None:
    """The 12th digit for these 11 digits, or None when no digit is valid (remainder 10 twice)."""
    digits = [int(c) for c in first11]
    rest = sum(d * w for d, w in zip(digits, _FIRST, strict=False)) % 11
    if rest == 10:
        rest = sum(d * w for d, w in zip(digits, _SECOND, strict=False)) % 11
    return None if rest == 10 else rest


def bin_is_valid(number: str) -> bool:
    """True when `number` is 12 digits whose last one is the check digit."""
    if len(number) != 12 or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])
