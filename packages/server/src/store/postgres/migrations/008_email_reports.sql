-- Email reports (issue 21, reports/), as the embedded store's migration 16: subscriptions (one per
-- site, address and frequency) and one row per mail and period, claimed before sending so a
-- restart or a second node never sends it twice.
CREATE TABLE report_subscriptions (
  id text PRIMARY KEY,
  site_id text NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  email text NOT NULL,
  frequency text NOT NULL,
  unsubscribe_token text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  UNIQUE (site_id, email, frequency)
);
CREATE TABLE report_sends (
  subscription_id text NOT NULL REFERENCES report_subscriptions(id) ON DELETE CASCADE,
  period_start text NOT NULL,
  state text NOT NULL,
  attempts integer NOT NULL,
  claimed_until_ms bigint NOT NULL,
  sent_at_ms bigint,
  PRIMARY KEY (subscription_id, period_start)
);
