-- Dashboard accounts, shared by every node: scrypt password hashes, sessions by SHA-256 of the
-- cookie token (times in epoch ms so expiry compares against the injected clock), and which user
-- owns which site. The same tables as the embedded store's migration 3.
CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at_ms);
CREATE TABLE site_members (
  site_id text NOT NULL,
  user_id text NOT NULL,
  PRIMARY KEY (site_id, user_id)
);
