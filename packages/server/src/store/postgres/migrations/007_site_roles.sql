-- Site roles and invitations (issue 21, members/), as the embedded store's migration 15. A
-- membership (site_members) without a site_roles row is an owner: every member from before roles
-- keeps what it had. Invitations keep only a SHA-256 of their one-time token.
CREATE TABLE site_roles (
  site_id text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL,
  PRIMARY KEY (site_id, user_id)
);
CREATE TABLE site_invites (
  id text PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  site_id text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  email text NOT NULL,
  role text NOT NULL,
  invited_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX site_invites_site ON site_invites (site_id);
