"""Placing a practice in its borough and its 2018 CCG, from its CCG code, its postcode, or both."""
from dataclasses import dataclass

from importers.geography import (
    BOROUGH_CCG_2018,
    CCGS_2018,
    MERGED_CCGS,
    STP_BOROUGHS,
    STP_NAMES,
    find_borough_in,
    find_district_boroughs,
    read_postcode_district,
)

FROM_CCG = "from its CCG (one borough)"
FROM_PAYMENTS_CCG = "from its 2018-19 CCG in the payments file"
FROM_POSTCODE_IN_CCG = "from its postcode district, within its CCG's boroughs"
FROM_CCG_MAIN_BOROUGH = "on its CCG's main borough (postcode district not recognised)"
FROM_POSTCODE_IN_STP = "from its postcode district, within its STP's boroughs"


@dataclass(frozen=True)
class Placement:
    borough_code: str
    ccg_code: str  # the CCG of 2018 (one of the 32)
    stp_code: str
    how: str  # one of the FROM_ sentences
    crosses_boroughs: bool  # placed by a postcode district that lies in more than one allowed borough


def place_practice(ccg_code: str, stp_code: str, postcode: str, payments_ccg: str | None = None) -> Placement | None:
    """The practice's borough, 2018 CCG and STP; None when it cannot be placed.

    `payments_ccg` is the practice's CCG in an NHS Payments file of 2018-19 (before the 2020 mergers),
    used when `ccg_code` is a merged CCG.
    """
    district = read_postcode_district(postcode)
    if ccg_code in CCGS_2018:
        return _place_in_ccg(ccg_code, district, FROM_CCG)
    stp = stp_code if stp_code in STP_NAMES else MERGED_CCGS.get(ccg_code, ("", ""))[1]
    if payments_ccg in CCGS_2018 and (not stp or CCGS_2018[payments_ccg].stp_code == stp):
        return _place_in_ccg(payments_ccg, district, FROM_PAYMENTS_CCG)
    if not stp:
        return None
    allowed = STP_BOROUGHS[stp]
    borough = find_borough_in(district, allowed)
    if borough is None:
        return None
    crosses = len([b for b in find_district_boroughs(district) if b in allowed]) > 1
    return Placement(borough, BOROUGH_CCG_2018[borough], stp, FROM_POSTCODE_IN_STP, crosses)


def _place_in_ccg(ccg_code: str, district: str, how: str) -> Placement:
    ccg = CCGS_2018[ccg_code]
    if len(ccg.borough_codes) == 1:
        return Placement(ccg.borough_codes[0], ccg_code, ccg.stp_code, how, False)
    borough = find_borough_in(district, ccg.borough_codes)
    if borough is None:
        return Placement(ccg.borough_codes[0], ccg_code, ccg.stp_code, FROM_CCG_MAIN_BOROUGH, True)
    crosses = len([b for b in find_district_boroughs(district) if b in ccg.borough_codes]) > 1
    return Placement(borough, ccg_code, ccg.stp_code, FROM_POSTCODE_IN_CCG if how == FROM_CCG else how, crosses)
