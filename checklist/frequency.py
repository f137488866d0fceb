"""How often a risk happens, in the S2k guideline's bands: the fractions each frequency word
allows and those bands in words. Validation checks a risk's figure and its picture's rate
against them (``checklist.validation``, ``checklist.teach_back_checks``)."""

from __future__ import annotations

from checklist.models import Frequency

# The S2k guideline's bands, as fractions of people (low, high), both ends included. The patient
# screen shows the band beside each figure, so a figure outside its band would contradict it.
FREQUENCY_BANDS: dict[Frequency, tuple[float, float]] = {
    Frequency.VERY_COMMON: (1 / 10, 1.0),
    Frequency.COMMON: (1 / 100, 1 / 10),
    Frequency.UNCOMMON: (1 / 1000, 1 / 100),
    Frequency.RARE: (1 / 10000, 1 / 1000),
    Frequency.VERY_RARE: (0.0, 1 / 10000),
}
BAND_WORDS: dict[Frequency, str] = {
    Frequency.VERY_COMMON: "1 in 10 people or more",
    Frequency.COMMON: "between 1 in 100 and 1 in 10 people",
    Frequency.UNCOMMON: "between 1 in 1,000 and 1 in 100 people",
    Frequency.RARE: "between 1 in 10,000 and 1 in 1,000 people",
    Frequency.VERY_RARE: "fewer than 1 in 10,000 people",
}


def in_band(frequency: Frequency, ratio: float) -> bool:
    """Does a share of people (a figure's or a rate's) fit the frequency word's band?"""
    low, high = FREQUENCY_BANDS[frequency]
    return low <= ratio <= high
