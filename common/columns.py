"""Column names, in one place. Units live in the names.

Every table the product reads or writes is described here; modules import these constants instead
of typing a column name twice.
"""

from __future__ import annotations

# --- shared --------------------------------------------------------------------------------------
MMSI = "mmsi"  # int64, 9-digit Maritime Mobile Service Identity
IMO = "imo"  # Int64 (nullable), 7-digit IMO ship number
DATE = "date"  # partition day (datetime.date / date32)
TIMESTAMP = "timestamp"  # receive time, tz-aware UTC
SOURCE_FILE = "source_file"  # path of the input file the row came from
LINE_NO = "line_no"  # 1-based line number in that file (first line of a multi-fragment message)

# --- positions (AIS types 1, 2, 3, 18, 19, 27) ---------------------------------------------------
LAT = "lat"  # degrees, WGS84; null when AIS says "not available" (91)
LON = "lon"  # degrees, WGS84; null when AIS says "not available" (181)
SOG_KNOTS = "sog_knots"  # speed over ground; null when 102.3 (not available)
COG_DEG = "cog_deg"  # course over ground; null when 360 (not available)
HEADING_DEG = "heading_deg"  # true heading; null when 511 (not available)
NAV_STATUS = "nav_status"  # navigational status code 0..15; null when 15 (not defined)
MSG_TYPE = "msg_type"  # AIS message type number
RECEIVERS = "receivers"  # how many receivers heard this same message (duplicates kept once)

POSITION_COLUMNS = [
    MMSI, TIMESTAMP, LAT, LON, SOG_KNOTS, COG_DEG, HEADING_DEG, NAV_STATUS, MSG_TYPE,
    RECEIVERS, SOURCE_FILE, LINE_NO,
]

# --- statics (AIS types 5, 19, 24) ---------------------------------------------------------------
NAME = "name"
CALLSIGN = "callsign"
SHIP_TYPE = "ship_type"  # AIS ship-and-cargo type code 0..99 in statics; text in the registry
DESTINATION = "destination"
DRAUGHT_M = "draught_m"
LENGTH_M = "length_m"
BEAM_M = "beam_m"
PART_NUM = "part_num"  # type 24: 0 = part A (name), 1 = part B (type, call sign); null otherwise

STATIC_COLUMNS = [
    MMSI, TIMESTAMP, MSG_TYPE, PART_NUM, IMO, NAME, CALLSIGN, SHIP_TYPE, DESTINATION,
    DRAUGHT_M, LENGTH_M, BEAM_M, RECEIVERS, SOURCE_FILE, LINE_NO,
]
# Where a row came from: stored for audit, not read back for screening (the window's
# source_file alone is one Python string per row).
PROVENANCE_COLUMNS = [RECEIVERS, SOURCE_FILE, LINE_NO]
# What the screening reads back of stored positions: no detector reads the true heading either
# (72 MB a day-sized window).
SCREENED_POSITION_COLUMNS = [col for col in POSITION_COLUMNS
                             if col not in [*PROVENANCE_COLUMNS, HEADING_DEG]]
SCREENED_STATIC_COLUMNS = [col for col in STATIC_COLUMNS if col not in PROVENANCE_COLUMNS]

# --- quarantine ---------------------------------------------------------------------------------
REASON = "reason"  # short machine-readable reason code, e.g. "bad_checksum"
RAW = "raw"  # the raw line(s), exactly as read

# --- events (contract: DESIGN.md) -----------------------------------------------------------------
EVENT_ID = "event_id"
EVENT_TYPE = "event_type"
START = "start"  # UTC
END = "end"  # UTC
OTHER_MMSI = "other_mmsi"  # Int64, set for events between two vessels
DURATION_H = "duration_h"
DETAIL = "detail"  # short human-readable text

EVENT_COLUMNS = [EVENT_ID, MMSI, EVENT_TYPE, START, END, LAT, LON, OTHER_MMSI, DURATION_H, DETAIL]

# event types
GAP = "gap"
LOITERING = "loitering"
ENCOUNTER = "encounter"
SPOOFING = "spoofing"
IDENTITY_SHARED = "identity_shared"
IDENTITY_CHANGE = "identity_change"
INVALID_MMSI = "invalid_mmsi"
FLAG_MISMATCH = "flag_mismatch"
WATCHLIST = "watchlist"
PORT_VISIT = "port_visit"
AREA_VISIT = "area_visit"  # inside a user-given area of interest (ingest.areas)
EVENT_TYPES = [
    GAP, LOITERING, ENCOUNTER, SPOOFING, IDENTITY_SHARED, IDENTITY_CHANGE, INVALID_MMSI,
    FLAG_MISMATCH, WATCHLIST, PORT_VISIT, AREA_VISIT,
]

# --- tracks (positions + per-vessel derived columns) ---------------------------------------------
DT_H = "dt_h"  # hours since the vessel's previous position
DIST_NM = "dist_nm"  # great-circle distance from the previous position
IMPLIED_SPEED_KNOTS = "implied_speed_knots"  # dist_nm / dt_h

# --- context (features.context): where each fix is -------------------------------------------------
PLACE = "place"  # PLACE_PORT, PLACE_ANCHORAGE, PLACE_SEA or PLACE_LAND
PORT_NAME = "port_name"  # the reference port whose area the fix is in (NA outside port areas)
FISHING = "fishing"  # bool: a fishing vessel (AIS ship type 30) or a fix "engaged in fishing"
AREA_HEARD_EVERY_MIN = "area_heard_every_min"  # typical minutes between fixes where it is (NaN:
#                                                nobody else was heard there); features.coverage
PLACE_PORT = "port"  # inside a reference port's area
PLACE_ANCHORAGE = "anchorage"  # a learned anchorage or berth, or lying at anchor/moored near port
PLACE_SEA = "sea"  # anywhere else on water
PLACE_LAND = "land"  # deep inland by the land mask: inland water the mask cannot see, or a bad fix

# --- reference ports (features.geo.load_ports); port name, lat and lon reuse NAME, LAT, LON -------
COUNTRY = "country"  # ISO 3166-1 alpha-3, as the World Port Index gives it, e.g. "GBR"

PORT_COLUMNS = [NAME, COUNTRY, LAT, LON]

# --- learned context tables: their columns (the tables' lists are at the end of this file) ---------
STATIONARY_H = "stationary_h"  # hours a vessel lay still in one anchorage cell
VESSELS = "vessels"  # distinct vessels
HOUR = "hour"  # start of a UTC hour
FIXES = "fixes"  # positions heard
MEDIAN_INTERVAL_MIN = "median_interval_min"  # median minutes between a vessel's consecutive fixes
HEARD_SHARE = "heard_share"  # fixes heard / reports the vessels there should have sent

# --- registry (contract: DESIGN.md) ---------------------------------------------------------------
FLAG = "flag"  # ISO 3166-1 alpha-2
BUILD_YEAR = "build_year"
GROSS_TONNAGE = "gross_tonnage"
CLASS_SOCIETY = "class_society"  # empty means unclassed
OWNER = "owner"
PORT = "port"
DEFICIENCIES = "deficiencies"
DETAINED = "detained"
FIELD = "field"
OLD_VALUE = "old_value"
NEW_VALUE = "new_value"
LIST_NAME = "list_name"

VESSELS_COLUMNS = [
    IMO, MMSI, NAME, CALLSIGN, FLAG, SHIP_TYPE, BUILD_YEAR, GROSS_TONNAGE, LENGTH_M,
    CLASS_SOCIETY, OWNER,
]
INSPECTIONS_COLUMNS = [IMO, DATE, PORT, DEFICIENCIES, DETAINED]
HISTORY_COLUMNS = [IMO, DATE, FIELD, OLD_VALUE, NEW_VALUE]
WATCHLIST_COLUMNS = [IMO, MMSI, LIST_NAME, REASON]

# --- outcomes -------------------------------------------------------------------------------------
LABEL = "label"
OUTCOME_COLUMNS = [MMSI, IMO, DATE, LABEL]

# --- risk list (contract: DESIGN.md) --------------------------------------------------------------
RISK_SCORE = "risk_score"
RISK_RANK = "risk_rank"
RISK_BAND = "risk_band"
REASONS = "reasons"
LAST_SEEN = "last_seen"
LAST_LAT = "last_lat"
LAST_LON = "last_lon"
MODEL_VERSION = "model_version"

RISK_LIST_COLUMNS = [
    DATE, MMSI, IMO, NAME, FLAG, SHIP_TYPE, RISK_SCORE, RISK_RANK, RISK_BAND, REASONS,
    LAST_SEEN, LAST_LAT, LAST_LON, DESTINATION, MODEL_VERSION,
]

# --- identity (features.identity): MMSIs heard in the window, their registry links ----------------
FIRST_SEEN = "first_seen"  # UTC, first time the MMSI was heard in the window
LINK = "link"  # how an MMSI was linked to an IMO (features.identity.LINK_* values)

SEEN_COLUMNS = [MMSI, FIRST_SEEN, LAST_SEEN, LAST_LAT, LAST_LON]
LINK_COLUMNS = [MMSI, IMO, LINK]

# --- learned context tables (features.anchorages, features.coverage), kept in the store -----------
# evidence: one row per vessel and anchorage cell it lay still in (mean position of those fixes)
ANCHORAGE_EVIDENCE_COLUMNS = [MMSI, LAT, LON, FIRST_SEEN, LAST_SEEN, STATIONARY_H]
# learned anchorages: one row per grid cell (centre) where enough distinct vessels lay still
ANCHORAGE_COLUMNS = [LAT, LON, VESSELS, FIRST_SEEN, LAST_SEEN]
# coverage: one row per coverage cell (centre) and hour
COVERAGE_COLUMNS = [LAT, LON, HOUR, FIXES, VESSELS, MEDIAN_INTERVAL_MIN, HEARD_SHARE]

# --- runs (one row per screened day: what the run did and the settings it used) ----------------
SUMMARY_JSON = "summary_json"  # the run summary (counts, quarantine by reason, events by type)
SETTINGS_JSON = "settings_json"  # every setting's value, as the run used it

# --- ingest manifest (storage.manifest: one row per input file version ingested) -----------------
FILE_PATH = "path"  # the input file's absolute path
FILE_SIZE_BYTES = "size_bytes"  # its size when it was read
FILE_MTIME_NS = "mtime_ns"  # its modification time when it was read, ns since the Unix epoch
FILE_SHA256 = "sha256"  # hex SHA-256 of its bytes (as stored: compressed for a .gz)
LINES_READ = "lines_read"  # lines ingest read from it
POSITIONS_BY_DAY_JSON = "positions_by_day_json"  # {"YYYY-MM-DD": positions kept} of the file
SCREENING_DAY = "screening_day"  # the screening day of the run that ingested it (ISO date)
INGEST_BATCH = "ingest_batch"  # the files read by one ingest: hex digest of their hashes
INGEST_JSON = "ingest_json"  # that ingest's accounts (lines read, quarantined by reason, ...)

MANIFEST_COLUMNS = [FILE_PATH, FILE_SIZE_BYTES, FILE_MTIME_NS, FILE_SHA256, LINES_READ,
                    POSITIONS_BY_DAY_JSON, SCREENING_DAY, INGEST_BATCH, INGEST_JSON]
