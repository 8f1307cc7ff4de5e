-- Saved funnels (issue 14): definitions only, read by the funnel query as conditions over events.
-- The definition (steps, window, order) is one JSON text, as in the embedded store's migration 12.
CREATE TABLE funnels (
  id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name text NOT NULL,
  definition text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (site_id, name)
);
