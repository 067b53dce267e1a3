-- A team's own interview tracks (issue #15): the YAML as imported, validated (schema and
-- topics of that team's bank) before it is stored; read back with bot/questions/tracks.py.

CREATE TABLE team_tracks (
    platform TEXT NOT NULL,
    team     TEXT NOT NULL,
    track_id TEXT NOT NULL,
    source   TEXT NOT NULL,
    added_by TEXT NOT NULL,          -- blanked by /forget-me (bot/store/rows.py PERSONAL)
    added_ms INTEGER NOT NULL,
    PRIMARY KEY (platform, team, track_id)
);
