-- Sites, the daily salt, refusal counters and API keys: the same tables as the embedded store's
-- metadata, shared by every node. Times are timestamptz and always read back as UTC.
CREATE TABLE sites (
  id text PRIMARY KEY,
  domain text NOT NULL,
  name text NOT NULL,
  tracking_code text NOT NULL UNIQUE,
  timezone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL
);
CREATE TABLE salts (day text PRIMARY KEY, salt text NOT NULL);
CREATE TABLE refusals (
  site_id text NOT NULL,
  day text NOT NULL,
  reason text NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (site_id, day, reason)
);
-- Only a SHA-256 of each key is kept; prefix is the non-secret handle for list/revoke.
CREATE TABLE api_keys (
  prefix text PRIMARY KEY,
  key_hash text NOT NULL UNIQUE,
  name text NOT NULL,
  site_id text,
  permissions text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE TABLE proxy_keys (
  prefix text PRIMARY KEY,
  key_hash text NOT NULL UNIQUE,
  site_id text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
