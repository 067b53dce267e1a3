-- A team pack is parsed once, at import: the validated pack is kept as JSON beside its YAML,
-- so a bank refresh never parses YAML again. '' (packs stored before this) means "parse the
-- YAML", which the bot then does once per process, off the event loop.

ALTER TABLE team_packs ADD COLUMN parsed TEXT COLLATE "C" NOT NULL DEFAULT '';
