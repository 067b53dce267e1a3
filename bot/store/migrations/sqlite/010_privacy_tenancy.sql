-- Your data, your choice, and many Slack workspaces from one deployment (issue 17).
--
-- team_removals: a team that removed the bot (Discord on_guild_remove, Slack app_uninstalled
-- or tokens_revoked) has its data purged at purge_ms unless it comes back before (the row is
-- then deleted). The ticker purges (bot.services.privacy).
CREATE TABLE team_removals (
    platform   TEXT NOT NULL,
    team       TEXT NOT NULL,
    removed_ms INTEGER NOT NULL,
    purge_ms   INTEGER NOT NULL,
    PRIMARY KEY (platform, team)
);
CREATE INDEX team_removals_due ON team_removals (purge_ms);

-- /forget-me and /my-data find a person's leaderboard rows without reading the team's board.
CREATE INDEX totals_user ON totals (platform, team, user_id);

-- One installation per workspace (Slack OAuth v2). `secret` is the installation with its
-- tokens, encrypted by the adapter (Fernet, TOKEN_ENCRYPTION_KEY): no token is stored in clear.
CREATE TABLE installations (
    platform      TEXT NOT NULL,
    team          TEXT NOT NULL,         -- the workspace id (the enterprise id for an org install)
    enterprise_id TEXT NOT NULL DEFAULT '',
    installer     TEXT NOT NULL,         -- the user who installed it ('' once they are forgotten)
    installed_ms  INTEGER NOT NULL,
    secret        TEXT NOT NULL,
    PRIMARY KEY (platform, team)
);

-- OAuth `state` values handed out by /slack/install: each is accepted once, before it expires.
CREATE TABLE oauth_states (
    state      TEXT PRIMARY KEY,
    expires_ms INTEGER NOT NULL
);
