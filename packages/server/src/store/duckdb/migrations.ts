import type { DuckDBConnection } from '@duckdb/node-api';
import { engagementMigrationSql } from './engagement-merge.ts';
import { interactiveMigrationSql, visitRollupMigrationSql } from './visit-rollup.ts';

/**
 * Versioned schema steps, applied in order and recorded in `schema_migrations`. Append new steps;
 * never edit an applied one.
 */
const migrations: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE sites (
        id VARCHAR PRIMARY KEY,
        domain VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        tracking_code VARCHAR NOT NULL UNIQUE,
        timezone VARCHAR NOT NULL DEFAULT 'UTC',
        created_at TIMESTAMP NOT NULL
      );
      CREATE TABLE salts (day VARCHAR PRIMARY KEY, salt VARCHAR NOT NULL);
      CREATE TABLE refusals (
        site_id VARCHAR NOT NULL,
        day VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (site_id, day, reason)
      );
      CREATE TABLE events (
        ts TIMESTAMP NOT NULL,
        site_id VARCHAR NOT NULL,
        event_type VARCHAR NOT NULL,
        event_name VARCHAR NOT NULL,
        hostname VARCHAR NOT NULL,
        pathname VARCHAR NOT NULL,
        query VARCHAR NOT NULL,
        utm_source VARCHAR NOT NULL,
        utm_medium VARCHAR NOT NULL,
        utm_campaign VARCHAR NOT NULL,
        utm_term VARCHAR NOT NULL,
        utm_content VARCHAR NOT NULL,
        referrer VARCHAR NOT NULL,
        referrer_host VARCHAR NOT NULL,
        session_id VARCHAR NOT NULL,
        visitor_id VARCHAR NOT NULL,
        device_type VARCHAR NOT NULL,
        browser VARCHAR NOT NULL,
        os VARCHAR NOT NULL,
        country VARCHAR NOT NULL,
        region VARCHAR NOT NULL,
        city VARCHAR NOT NULL,
        prop_keys VARCHAR[] NOT NULL,
        prop_values VARCHAR[] NOT NULL,
        event_id VARCHAR NOT NULL
      );
    `,
  },
  {
    // API keys: only a SHA-256 of the key is kept; prefix is the non-secret handle for list/revoke.
    // site_id NULL means every site; permissions is a comma list of read, ingest.
    version: 2,
    sql: `
      CREATE TABLE api_keys (
        prefix VARCHAR PRIMARY KEY,
        key_hash VARCHAR NOT NULL UNIQUE,
        name VARCHAR NOT NULL,
        site_id VARCHAR,
        permissions VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
      );
    `,
  },
  {
    // Dashboard accounts: scrypt password hashes, sessions by SHA-256 of the cookie token (times in
    // epoch ms so expiry compares against the injected clock), and which user owns which site.
    version: 3,
    sql: `
      CREATE TABLE users (
        id VARCHAR PRIMARY KEY,
        email VARCHAR NOT NULL UNIQUE,
        password_hash VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
      );
      CREATE TABLE sessions (
        token_hash VARCHAR PRIMARY KEY,
        user_id VARCHAR NOT NULL,
        created_at_ms BIGINT NOT NULL,
        expires_at_ms BIGINT NOT NULL
      );
      CREATE TABLE site_members (
        site_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        PRIMARY KEY (site_id, user_id)
      );
    `,
  },
  {
    // First-party proxy keys: one site each; only a SHA-256 of the key is kept, prefix is the
    // non-secret handle for list/revoke.
    version: 4,
    sql: `
      CREATE TABLE proxy_keys (
        prefix VARCHAR PRIMARY KEY,
        key_hash VARCHAR NOT NULL UNIQUE,
        site_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
      );
    `,
  },
  {
    // UTC days whose events were rewritten ordered by site (see event-compaction.ts), with the row
    // count then: a day whose count changed since is compacted again.
    version: 5,
    sql: `
      CREATE TABLE IF NOT EXISTS compacted_days (day TIMESTAMP PRIMARY KEY, row_count BIGINT NOT NULL);
    `,
  },
  {
    // REST API requests per key and calendar month (UTC, 'YYYY-MM'): the monthly quota's counters,
    // added to every few seconds by auth/monthly-quota.ts so they survive a restart.
    version: 6,
    sql: `
      CREATE TABLE api_key_requests (
        prefix VARCHAR NOT NULL,
        month VARCHAR NOT NULL,
        count BIGINT NOT NULL,
        PRIMARY KEY (prefix, month)
      );
    `,
  },
  {
    // Revenue per event (ingest/revenue.ts): an exact amount in ten-thousandths of the currency
    // unit, and its ISO 4217 code ('' = no revenue). Added at the end: the appender writes by position.
    version: 7,
    sql: `
      ALTER TABLE events ADD COLUMN revenue_e4 BIGINT DEFAULT 0;
      ALTER TABLE events ADD COLUMN revenue_currency VARCHAR DEFAULT '';
    `,
  },
  {
    // Goals (conversions): definitions only, read by the stats compiler as conditions over events,
    // so a goal added today reports the past and deleting one deletes no event. Property matches
    // as parallel lists (key i = value i), like the events' properties. Names are unique per site;
    // the metadata store checks that (DuckDB's unique indexes refuse some updates of their own rows).
    version: 8,
    sql: `
      CREATE TABLE goals (
        id VARCHAR PRIMARY KEY,
        site_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        event_name VARCHAR,
        page_path VARCHAR,
        prop_keys VARCHAR[] NOT NULL,
        prop_values VARCHAR[] NOT NULL,
        currency VARCHAR,
        created_at TIMESTAMP NOT NULL
      );
    `,
  },
  {
    // Exchange rates (units of currency per 1 EUR, the ECB's reference) for every calendar day an
    // import covered, weekends and holidays carrying the last published rate (source_day).
    version: 9,
    sql: `
      CREATE TABLE fx_rates (
        day VARCHAR NOT NULL,
        currency VARCHAR NOT NULL,
        per_eur DOUBLE NOT NULL,
        source_day VARCHAR NOT NULL,
        PRIMARY KEY (day, currency)
      );
    `,
  },
  {
    // How far each append log (log/append-log.ts) is loaded into events: written in the same
    // transaction as the rows, so a restart resumes exactly after the last committed batch.
    version: 10,
    sql: `
      CREATE TABLE log_position (
        log_id VARCHAR PRIMARY KEY,
        segment BIGINT NOT NULL,
        byte_offset BIGINT NOT NULL
      );
    `,
  },
  {
    // The visit rollup (store/duckdb/visit-rollup.ts); built from existing events on the next start.
    version: 11,
    sql: visitRollupMigrationSql,
  },
  {
    // Saved funnels (issue 14): definitions only (steps, window, order as one JSON text), read by
    // the funnel query as conditions over events. Names unique per site, checked by the store.
    version: 12,
    sql: `
      CREATE TABLE funnels (
        id VARCHAR PRIMARY KEY,
        site_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        definition VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
      );
    `,
  },
  {
    // Heartbeats folded per pageview (store/duckdb/engagement-merge.ts, issue 15).
    version: 13,
    sql: engagementMigrationSql,
  },
  {
    // Shared links (issue 21, sharing/): only a SHA-256 of each link's token; panels is a comma
    // list (NULL: every panel). Revoking deletes the row. public_sites: sites anyone may read at
    // /<domain>.
    version: 14,
    sql: `
      CREATE TABLE shared_links (
        id VARCHAR PRIMARY KEY,
        site_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        token_hash VARCHAR NOT NULL UNIQUE,
        password_hash VARCHAR,
        panels VARCHAR,
        created_at TIMESTAMP NOT NULL
      );
      CREATE TABLE public_sites (site_id VARCHAR PRIMARY KEY, made_public_at TIMESTAMP NOT NULL);
    `,
  },
  {
    // Site roles and invitations (issue 21, members/). A membership (site_members) without a
    // site_roles row is an owner: every member from before roles keeps what it had. Invitations
    // keep only a SHA-256 of their one-time token.
    version: 15,
    sql: `
      CREATE TABLE site_roles (
        site_id VARCHAR NOT NULL,
        user_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        PRIMARY KEY (site_id, user_id)
      );
      CREATE TABLE site_invites (
        id VARCHAR PRIMARY KEY,
        token_hash VARCHAR NOT NULL UNIQUE,
        site_id VARCHAR NOT NULL,
        email VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        invited_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at_ms BIGINT NOT NULL
      );
    `,
  },
  {
    // Email reports (issue 21, reports/): subscriptions (one per site, address and frequency) and
    // one row per mail and period, claimed before sending so a restart or a second node never
    // sends it twice (state 'pending' while claimed or retried, 'sent' once out).
    version: 16,
    sql: `
      CREATE TABLE report_subscriptions (
        id VARCHAR PRIMARY KEY,
        site_id VARCHAR NOT NULL,
        email VARCHAR NOT NULL,
        frequency VARCHAR NOT NULL,
        unsubscribe_token VARCHAR NOT NULL UNIQUE,
        created_at TIMESTAMP NOT NULL
      );
      CREATE TABLE report_sends (
        subscription_id VARCHAR NOT NULL,
        period_start VARCHAR NOT NULL,
        state VARCHAR NOT NULL,
        attempts INTEGER NOT NULL,
        claimed_until_ms BIGINT NOT NULL,
        sent_at_ms BIGINT,
        PRIMARY KEY (subscription_id, period_start)
      );
    `,
  },
  {
    // Plausible's `interactive: false` (issue 20): the flag per event and the visits' count of
    // non-interactive custom events, which do not end a bounce (store/duckdb/visit-rollup.ts).
    version: 17,
    sql: interactiveMigrationSql,
  },
];

export async function migrate(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)',
  );
  // Every step not applied yet runs, not only those above the highest applied: steps written in
  // parallel branches may land in the file out of number order (12 after 13).
  const reader = await connection.runAndReadAll('SELECT version FROM schema_migrations');
  const applied = new Set(reader.getRowObjectsJS().map((row) => Number(row.version)));
  for (const step of migrations) {
    if (applied.has(step.version)) continue;
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(step.sql);
      await connection.run('INSERT INTO schema_migrations VALUES ($1, now())', [step.version]);
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      throw error;
    }
  }
}
