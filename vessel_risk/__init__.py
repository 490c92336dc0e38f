"""vessel-risk: daily AIS + registry screening into a ranked, explained vessel risk list."""

__version__ = "0.1.0"
