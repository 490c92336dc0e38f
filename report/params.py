"""The report's tunables, each with its unit and the reason for its value."""

from __future__ import annotations

from dataclasses import dataclass

from vessel_risk.common.errors import ConfigError


@dataclass(frozen=True)
class ReportParams:
    # Vessels that get a full section with a map. A map costs ~0.1 s to draw and ~20-60 KB of
    # page; fifty is more than a morning's boardings and keeps a 10,000-vessel page quick to open.
    map_top: int = 50
    # A vessel not heard for longer than this (hours) is "silent" on its timeline and its track is
    # broken there. Class A transponders report every 2-10 s under way and every 3 min at anchor;
    # an hour without one is a real hole, not the jitter of a receiver network.
    silent_after_h: float = 1.0
    # Consecutive fixes farther apart than this implies (knots) are a jump, drawn apart from the
    # track: no merchant ship makes 50 kn, while fast ferries (~40 kn) stay on the line.
    jump_speed_knots: float = 50.0
    # Hours of the other vessel's track drawn before and after an encounter: enough to see where it
    # came from and went, without pulling the map across a sea.
    encounter_context_h: float = 6.0
    # Ports labelled on a map (nearest to the track first), and listed in a dossier (nearest to
    # the last position): enough to place the vessel, few enough to stay legible.
    ports_on_map: int = 6
    ports_listed: int = 3
    # Longest side of the land grid behind a map, in cells: ~2.7 px per cell on a 640 px map keeps
    # coasts smooth; 320 cells made the sample's page 22% bigger (2.25 MB) with no visible gain.
    land_cells: int = 240
    # Smallest half-height of a map (degrees of latitude, 1 degree = 60 nm): a vessel that did not
    # move still gets ~12 nm of sea around it, enough to see the nearest coast.
    min_half_span_deg: float = 0.2

    def __post_init__(self) -> None:
        if self.map_top < 0:
            raise ConfigError(f"map_top must be 0 or more, got {self.map_top}")
        if self.silent_after_h <= 0 or self.jump_speed_knots <= 0:
            raise ConfigError("silent_after_h and jump_speed_knots must be positive")
