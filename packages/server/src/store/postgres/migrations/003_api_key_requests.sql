-- REST API requests per key and calendar month (UTC, 'YYYY-MM'): the monthly quota's counters when
-- Redis is not configured. The same table as the embedded store's migration 6.
CREATE TABLE api_key_requests (
  prefix text NOT NULL,
  month text NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (prefix, month)
);
