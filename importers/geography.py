"""London's NHS and local-government geography: STPs, the 32 CCGs of 2018, boroughs and postcode districts.

These are published facts written out by hand, so that an import needs no lookup file and no network.
"""
from dataclasses import dataclass

LONDON_REGION_CODES = frozenset({"Y56", "Q71", "E40000003"})  # NHS England London: commissioning region, 2018 region, ONS
# dataset.yaml's areas section (indicators/areas.py): the top area and what its systems and places are called
LONDON_AREAS = {
    "region": {"code": "E40000003", "name": "London"},
    "levels": {
        "stp": {"name": "STP", "plural": "STPs", "plain_name": "local health and care partnership",
                "plain_plural": "local health and care partnerships"},
        "borough": {"name": "borough", "plural": "boroughs", "plain_name": "borough", "plain_plural": "boroughs"},
    },
}

STP_NAMES = {  # plain names on the ODS code; the files carry the partnership brands, which changed over time
    "QMJ": "North Central London",
    "QMF": "North East London",
    "QRV": "North West London",
    "QKK": "South East London",
    "QWE": "South West London",
}

BOROUGH_NAMES = {
    "E09000001": "City of London", "E09000002": "Barking and Dagenham", "E09000003": "Barnet",
    "E09000004": "Bexley", "E09000005": "Brent", "E09000006": "Bromley", "E09000007": "Camden",
    "E09000008": "Croydon", "E09000009": "Ealing", "E09000010": "Enfield", "E09000011": "Greenwich",
    "E09000012": "Hackney", "E09000013": "Hammersmith and Fulham", "E09000014": "Haringey",
    "E09000015": "Harrow", "E09000016": "Havering", "E09000017": "Hillingdon", "E09000018": "Hounslow",
    "E09000019": "Islington", "E09000020": "Kensington and Chelsea", "E09000021": "Kingston upon Thames",
    "E09000022": "Lambeth", "E09000023": "Lewisham", "E09000024": "Merton", "E09000025": "Newham",
    "E09000026": "Redbridge", "E09000027": "Richmond upon Thames", "E09000028": "Southwark",
    "E09000029": "Sutton", "E09000030": "Tower Hamlets", "E09000031": "Waltham Forest",
    "E09000032": "Wandsworth", "E09000033": "Westminster",
}
_BOROUGH_CODES = {name: code for code, name in BOROUGH_NAMES.items()}


@dataclass(frozen=True)
class Ccg:
    code: str
    name: str
    stp_code: str
    borough_codes: tuple[str, ...]  # main borough first


def _ccg(code: str, name: str, stp_code: str, *boroughs: str) -> Ccg:
    return Ccg(code, name, stp_code, tuple(_BOROUGH_CODES[b] for b in boroughs))


CCGS_2018 = {ccg.code: ccg for ccg in (
    _ccg("07M", "NHS Barnet CCG", "QMJ", "Barnet"),
    _ccg("07R", "NHS Camden CCG", "QMJ", "Camden"),
    _ccg("07X", "NHS Enfield CCG", "QMJ", "Enfield"),
    _ccg("08D", "NHS Haringey CCG", "QMJ", "Haringey"),
    _ccg("08H", "NHS Islington CCG", "QMJ", "Islington"),
    _ccg("07L", "NHS Barking and Dagenham CCG", "QMF", "Barking and Dagenham"),
    _ccg("07T", "NHS City and Hackney CCG", "QMF", "Hackney", "City of London"),
    _ccg("08F", "NHS Havering CCG", "QMF", "Havering"),
    _ccg("08M", "NHS Newham CCG", "QMF", "Newham"),
    _ccg("08N", "NHS Redbridge CCG", "QMF", "Redbridge"),
    _ccg("08V", "NHS Tower Hamlets CCG", "QMF", "Tower Hamlets"),
    _ccg("08W", "NHS Waltham Forest CCG", "QMF", "Waltham Forest"),
    _ccg("07P", "NHS Brent CCG", "QRV", "Brent"),
    _ccg("09A", "NHS Central London (Westminster) CCG", "QRV", "Westminster"),
    _ccg("07W", "NHS Ealing CCG", "QRV", "Ealing"),
    _ccg("08C", "NHS Hammersmith and Fulham CCG", "QRV", "Hammersmith and Fulham"),
    _ccg("08E", "NHS Harrow CCG", "QRV", "Harrow"),
    _ccg("08G", "NHS Hillingdon CCG", "QRV", "Hillingdon"),
    _ccg("07Y", "NHS Hounslow CCG", "QRV", "Hounslow"),
    # West London CCG: Kensington and Chelsea plus Queen's Park and Paddington (Westminster)
    _ccg("08Y", "NHS West London CCG", "QRV", "Kensington and Chelsea", "Westminster"),
    _ccg("07N", "NHS Bexley CCG", "QKK", "Bexley"),
    _ccg("07Q", "NHS Bromley CCG", "QKK", "Bromley"),
    _ccg("08A", "NHS Greenwich CCG", "QKK", "Greenwich"),
    _ccg("08K", "NHS Lambeth CCG", "QKK", "Lambeth"),
    _ccg("08L", "NHS Lewisham CCG", "QKK", "Lewisham"),
    _ccg("08Q", "NHS Southwark CCG", "QKK", "Southwark"),
    _ccg("07V", "NHS Croydon CCG", "QWE", "Croydon"),
    _ccg("08J", "NHS Kingston CCG", "QWE", "Kingston upon Thames"),
    _ccg("08R", "NHS Merton CCG", "QWE", "Merton"),
    _ccg("08P", "NHS Richmond CCG", "QWE", "Richmond upon Thames"),
    _ccg("08T", "NHS Sutton CCG", "QWE", "Sutton"),
    _ccg("08X", "NHS Wandsworth CCG", "QWE", "Wandsworth"),
)}

# CCGs formed by merging borough CCGs (2020: NCL, SEL, SWL; 2021: NWL, NEL; the codes live on as
# sub-ICB locations). A practice's borough cannot be read from these codes.
MERGED_CCGS = {
    "93C": ("NHS North Central London CCG", "QMJ"),
    "72Q": ("NHS South East London CCG", "QKK"),
    "36L": ("NHS South West London CCG", "QWE"),
    "W2U3Z": ("NHS North West London CCG", "QRV"),
    "A3A8R": ("NHS North East London CCG", "QMF"),
}

STP_BOROUGHS = {
    stp: tuple(dict.fromkeys(b for ccg in CCGS_2018.values() if ccg.stp_code == stp for b in ccg.borough_codes))
    for stp in STP_NAMES
}
# The 2018 CCG of each borough (City of London belonged to City and Hackney; Westminster is counted
# with Central London, although Queen's Park and Paddington were in West London CCG).
BOROUGH_CCG_2018 = {ccg.borough_codes[0]: ccg.code for ccg in CCGS_2018.values()} | {"E09000001": "07T"}
LONDON_CCG_CODES = frozenset(CCGS_2018) | frozenset(MERGED_CCGS)


def _districts(boroughs: str, *districts: str) -> dict[str, tuple[str, ...]]:
    codes = tuple(_BOROUGH_CODES[b.strip()] for b in boroughs.split(","))
    return {district: codes for district in districts}


# Postcode district -> boroughs it lies in, main borough first. Districts crossing a boundary list
# every London borough they touch, so a practice can be placed within its CCG's or STP's boroughs.
# Sub-districts (EC1V, W1T, SW1W) fall back to their parent (EC1, W1, SW1) unless listed.
POSTCODE_DISTRICT_BOROUGHS: dict[str, tuple[str, ...]] = {
    **_districts("Tower Hamlets", "E1", "E1W", "E3", "E14"),
    **_districts("Tower Hamlets, Hackney", "E2"),
    **_districts("Waltham Forest", "E4", "E10", "E17"),
    **_districts("Hackney", "E5", "E8"),
    **_districts("Hackney, Tower Hamlets", "E9"),
    **_districts("Newham", "E6", "E7", "E13", "E15", "E16", "E20"),
    **_districts("Waltham Forest, Redbridge", "E11"),
    **_districts("Newham, Redbridge", "E12"),
    **_districts("Redbridge", "E18"),
    **_districts("City of London", "EC1A", "EC2", "EC2M", "EC2N", "EC2R", "EC2V", "EC2Y", "EC3", "EC4",
                 "EC4M", "EC4N", "EC4R", "EC4V", "EC4Y"),
    **_districts("Islington, City of London", "EC1", "EC1M", "EC1Y"),
    **_districts("Camden, City of London", "EC1N"),
    **_districts("Islington, Camden", "EC1R"),
    **_districts("Islington, Hackney", "EC1V"),
    **_districts("Hackney, City of London, Islington", "EC2A"),
    **_districts("City of London, Camden, Westminster", "EC4A"),
    **_districts("Camden", "WC1", "WC1A", "WC1B", "WC1E", "WC1H", "WC1N", "WC1R", "WC1V"),
    **_districts("Camden, Islington", "WC1X"),
    **_districts("Camden, Westminster, City of London", "WC2A"),
    **_districts("Camden, Westminster", "WC2B"),
    **_districts("Westminster, Camden", "WC2", "WC2E", "WC2H", "WC2N", "WC2R"),
    **_districts("Islington, Hackney", "N1"),
    **_districts("Camden", "N1C"),
    **_districts("Barnet, Haringey", "N2"),
    **_districts("Barnet", "N3", "N12", "N20"),
    **_districts("Islington, Haringey, Hackney", "N4"),
    **_districts("Islington", "N5", "N7"),
    **_districts("Haringey, Camden, Islington", "N6"),
    **_districts("Haringey", "N8", "N15", "N17", "N22"),
    **_districts("Enfield", "N9", "N13", "N18", "N21"),
    **_districts("Haringey, Barnet", "N10"),
    **_districts("Barnet, Enfield, Haringey", "N11"),
    **_districts("Enfield, Barnet", "N14"),
    **_districts("Hackney, Islington, Haringey", "N16"),
    **_districts("Islington, Camden", "N19"),
    **_districts("Camden, Westminster", "NW1"),
    **_districts("Brent, Barnet, Camden", "NW2"),
    **_districts("Camden", "NW3", "NW5"),
    **_districts("Barnet", "NW4", "NW7", "NW11"),
    **_districts("Camden, Brent, Westminster", "NW6"),
    **_districts("Westminster, Camden", "NW8"),
    **_districts("Barnet, Brent", "NW9"),
    **_districts("Brent, Ealing, Hammersmith and Fulham", "NW10"),
    **_districts("Southwark, Lambeth", "SE1", "SE5"),
    **_districts("Bexley, Greenwich", "SE2"),
    **_districts("Greenwich, Lewisham", "SE3"),
    **_districts("Lewisham", "SE4", "SE6", "SE13", "SE23"),
    **_districts("Greenwich", "SE7", "SE10", "SE18"),
    **_districts("Lewisham, Greenwich", "SE8", "SE12"),
    **_districts("Greenwich, Bexley, Bromley", "SE9"),
    **_districts("Lambeth", "SE11"),
    **_districts("Lewisham, Southwark", "SE14"),
    **_districts("Southwark, Lewisham", "SE15"),
    **_districts("Southwark", "SE16", "SE17", "SE22"),
    **_districts("Croydon, Lambeth, Bromley, Southwark", "SE19"),
    **_districts("Bromley", "SE20"),
    **_districts("Southwark, Lambeth", "SE21"),
    **_districts("Lambeth, Southwark", "SE24"),
    **_districts("Croydon", "SE25"),
    **_districts("Lewisham, Bromley, Southwark", "SE26"),
    **_districts("Lambeth, Croydon", "SE27"),
    **_districts("Greenwich, Bexley", "SE28"),
    **_districts("Westminster", "SW1", "SW1A", "SW1E", "SW1H", "SW1P", "SW1V", "SW1Y"),
    **_districts("Westminster, Kensington and Chelsea", "SW1W", "SW1X"),
    **_districts("Lambeth", "SW2", "SW9"),
    **_districts("Kensington and Chelsea", "SW3", "SW5"),
    **_districts("Lambeth, Wandsworth", "SW4", "SW8"),
    **_districts("Hammersmith and Fulham", "SW6"),
    **_districts("Kensington and Chelsea, Westminster", "SW7"),
    **_districts("Kensington and Chelsea, Hammersmith and Fulham", "SW10"),
    **_districts("Wandsworth", "SW11", "SW15", "SW18"),
    **_districts("Wandsworth, Lambeth", "SW12"),
    **_districts("Richmond upon Thames", "SW13", "SW14"),
    **_districts("Lambeth, Croydon, Merton, Wandsworth", "SW16"),
    **_districts("Wandsworth, Merton", "SW17"),
    **_districts("Merton, Wandsworth", "SW19"),
    **_districts("Merton, Kingston upon Thames", "SW20"),
    **_districts("Westminster", "W1", "W9"),
    **_districts("Westminster, Camden", "W1T", "W1W"),
    **_districts("Westminster, Kensington and Chelsea", "W2"),
    **_districts("Ealing, Hammersmith and Fulham", "W3"),
    **_districts("Hounslow, Ealing", "W4"),
    **_districts("Ealing", "W5", "W7", "W13"),
    **_districts("Hammersmith and Fulham", "W6", "W12"),
    **_districts("Kensington and Chelsea", "W8", "W11"),
    **_districts("Kensington and Chelsea, Westminster", "W10"),
    **_districts("Hammersmith and Fulham, Kensington and Chelsea", "W14"),
    **_districts("Bromley, Lewisham", "BR1"),
    **_districts("Bromley", "BR2", "BR3", "BR4", "BR5", "BR6", "BR7", "BR8", "TN14", "TN16"),
    **_districts("Croydon", "CR0", "CR2", "CR5", "CR7"),
    **_districts("Merton, Croydon, Sutton", "CR4"),
    **_districts("Croydon, Sutton", "CR8"),
    **_districts("Bexley", "DA1", "DA5", "DA6", "DA7", "DA8", "DA15", "DA17", "DA18"),
    **_districts("Bexley, Bromley", "DA14"),
    **_districts("Bexley, Greenwich", "DA16"),
    **_districts("Enfield", "EN1", "EN2", "EN3"),
    **_districts("Barnet, Enfield", "EN4"),
    **_districts("Barnet", "EN5"),
    **_districts("Brent", "HA0", "HA9"),
    **_districts("Harrow", "HA2"),
    **_districts("Harrow, Brent", "HA1"),
    **_districts("Harrow, Brent", "HA3"),
    **_districts("Hillingdon", "HA4", "HA6"),
    **_districts("Harrow, Hillingdon", "HA5"),
    **_districts("Harrow, Barnet", "HA7"),
    **_districts("Barnet, Harrow, Brent", "HA8"),
    **_districts("Redbridge", "IG2", "IG4", "IG5", "IG6", "IG7"),
    **_districts("Redbridge, Barking and Dagenham", "IG1", "IG3"),
    **_districts("Redbridge, Waltham Forest", "IG8"),
    **_districts("Barking and Dagenham", "IG11", "RM8", "RM9", "RM10"),
    **_districts("Kingston upon Thames", "KT2", "KT5", "KT6", "KT9"),
    **_districts("Kingston upon Thames, Richmond upon Thames", "KT1"),
    **_districts("Kingston upon Thames, Merton", "KT3"),
    **_districts("Sutton, Kingston upon Thames", "KT4"),
    **_districts("Havering", "RM1", "RM2", "RM3", "RM4", "RM5", "RM11", "RM12", "RM13", "RM14"),
    **_districts("Redbridge, Barking and Dagenham, Havering", "RM6"),
    **_districts("Havering, Barking and Dagenham", "RM7"),
    **_districts("Sutton", "SM1", "SM2", "SM5"),
    **_districts("Sutton, Merton", "SM3"),
    **_districts("Merton, Sutton", "SM4"),
    **_districts("Sutton, Croydon", "SM6"),
    **_districts("Richmond upon Thames", "TW9", "TW10", "TW11", "TW12"),
    **_districts("Richmond upon Thames, Hounslow", "TW1"),
    **_districts("Richmond upon Thames, Hounslow", "TW2"),
    **_districts("Hounslow", "TW3", "TW4", "TW5", "TW7", "TW8", "TW13", "TW14"),
    **_districts("Hillingdon", "TW6", "UB3", "UB4", "UB7", "UB8", "UB9", "UB10", "UB11"),
    **_districts("Ealing", "UB1", "UB6"),
    **_districts("Ealing, Hounslow", "UB2"),
    **_districts("Ealing, Hillingdon, Harrow", "UB5"),
}


def read_postcode_district(postcode: str) -> str:
    """The outward code of a postcode ('NW1 2BU' -> 'NW1'); '' when there is none."""
    parts = postcode.upper().split()
    if not parts:
        return ""
    if len(parts) == 1 and len(parts[0]) > 4:  # written without the space: 'NW12BU'
        return parts[0][:-3]
    return parts[0]


def find_district_boroughs(district: str) -> tuple[str, ...]:
    """Boroughs a postcode district lies in, main first; () when it is not a London district."""
    district = district.upper()
    if district in POSTCODE_DISTRICT_BOROUGHS:
        return POSTCODE_DISTRICT_BOROUGHS[district]
    if district[-1:].isalpha() and district[:-1] in POSTCODE_DISTRICT_BOROUGHS:  # EC1V -> EC1
        return POSTCODE_DISTRICT_BOROUGHS[district[:-1]]
    return ()


def find_borough_in(district: str, allowed: tuple[str, ...]) -> str | None:
    """The first borough of the district that is one of `allowed` (the CCG's or STP's boroughs)."""
    return next((b for b in find_district_boroughs(district) if b in allowed), None)
