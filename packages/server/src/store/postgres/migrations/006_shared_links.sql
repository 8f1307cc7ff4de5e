-- Shared links (issue 21, sharing/): only a SHA-256 of each link's token; panels is a comma list
-- (NULL: every panel). Revoking deletes the row. A site's links go with it (cascade), as in the
-- embedded store's migration 14.
CREATE TABLE shared_links (
  id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  password_hash text,
  panels text,
  created_at timestamptz NOT NULL
);
CREATE INDEX shared_links_site ON shared_links (site_id);
CREATE TABLE public_sites (
  site_id text PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  made_public_at timestamptz NOT NULL
);
