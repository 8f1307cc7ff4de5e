-- Goals (conversions): definitions only, read by the stats engine as conditions over events, so a
-- goal added today reports the past and deleting one deletes no event. The same columns as the
-- embedded store's migration 8; here the database enforces unique names per site, and a site's
-- goals go with it.
CREATE TABLE goals (
  id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name text NOT NULL,
  kind text NOT NULL,
  event_name text,
  page_path text,
  prop_keys text[] NOT NULL,
  prop_values text[] NOT NULL,
  currency text,
  created_at timestamptz NOT NULL,
  UNIQUE (site_id, name)
);
