"""Area models for unit tests of what names areas (figures, tables, peer groups): London with STPs and boroughs,
and England with STPs and CCG areas. No systems or places: the tests that need them build their own."""
from indicators.areas import Area, AreaModel, LevelName

STP = LevelName("STP", "STPs", "partnership", "partnerships")
LONDON = AreaModel(Area("region", "E40000003", "London"),
                   {"stp": STP, "borough": LevelName("borough", "boroughs", "borough", "boroughs")})
ENGLAND = AreaModel(Area("region", "E92000001", "England"),
                    {"stp": STP, "borough": LevelName("CCG area", "CCG areas", "local NHS area", "local NHS areas")})
