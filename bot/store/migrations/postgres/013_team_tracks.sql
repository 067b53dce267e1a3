-- A team's own interview tracks (issue #15): the YAML as imported, validated (schema and
-- topics of that team's bank) before it is stored; read back with bot/questions/tracks.py.

CREATE TABLE team_tracks (
    platform TEXT COLLATE "C" NOT NULL,
    team     TEXT COLLATE "C" NOT NULL,
    track_id TEXT COLLATE "C" NOT NULL,
    source   TEXT COLLATE "C" NOT NULL,
    added_by TEXT COLLATE "C" NOT NULL,         -- blanked by /forget-me (rows.py PERSONAL)
    added_ms BIGINT NOT NULL,
    PRIMARY KEY (platform, team, track_id)
);
