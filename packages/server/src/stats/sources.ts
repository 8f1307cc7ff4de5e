/**
 * Where a visit came from: the referrer host of its first event, normalised to a display name
 * (`Google`, `Twitter`, …), and its marketing channel. Written once as data and rendered to SQL
 * through the dialect, so every engine classifies the same way.
 */
import type { SqlDialect } from './dialect.ts';

type SourceCategory = 'search' | 'social' | 'video' | 'other';

interface KnownSource {
  readonly name: string;
  readonly category: SourceCategory;
  /** Hosts matched exactly or as a parent domain (`facebook.com` also matches `m.facebook.com`). */
  readonly hosts: readonly string[];
  /** Or a regular expression on the host, for engines with a domain per country. */
  readonly pattern?: string;
  /** Lower-case `utm_source` values that mean this source when there is no referrer. */
  readonly utmAliases: readonly string[];
}

export const directSource = 'Direct / None';

export const knownSources: readonly KnownSource[] = [
  {
    name: 'Google',
    category: 'search',
    hosts: [],
    pattern: '^([a-z0-9-]+\\.)*google(\\.com?)?\\.[a-z]{2,3}$',
    utmAliases: ['google'],
  },
  { name: 'Bing', category: 'search', hosts: ['bing.com'], utmAliases: ['bing'] },
  { name: 'DuckDuckGo', category: 'search', hosts: ['duckduckgo.com'], utmAliases: ['duckduckgo'] },
  { name: 'Yahoo!', category: 'search', hosts: ['yahoo.com', 'yahoo.co.jp'], utmAliases: ['yahoo'] },
  {
    name: 'Yandex',
    category: 'search',
    hosts: [],
    pattern: '^([a-z0-9-]+\\.)*yandex\\.[a-z]{2,3}$',
    utmAliases: ['yandex'],
  },
  { name: 'Baidu', category: 'search', hosts: ['baidu.com'], utmAliases: ['baidu'] },
  { name: 'Ecosia', category: 'search', hosts: ['ecosia.org'], utmAliases: ['ecosia'] },
  { name: 'Brave Search', category: 'search', hosts: ['search.brave.com'], utmAliases: [] },
  { name: 'Qwant', category: 'search', hosts: ['qwant.com'], utmAliases: ['qwant'] },
  { name: 'Startpage', category: 'search', hosts: ['startpage.com'], utmAliases: ['startpage'] },
  {
    name: 'Facebook',
    category: 'social',
    hosts: ['facebook.com', 'fb.com', 'fb.me'],
    utmAliases: ['facebook', 'fb'],
  },
  { name: 'Instagram', category: 'social', hosts: ['instagram.com'], utmAliases: ['instagram', 'ig'] },
  {
    name: 'Twitter',
    category: 'social',
    hosts: ['t.co', 'twitter.com', 'x.com'],
    utmAliases: ['twitter', 'x'],
  },
  { name: 'LinkedIn', category: 'social', hosts: ['linkedin.com', 'lnkd.in'], utmAliases: ['linkedin'] },
  { name: 'Reddit', category: 'social', hosts: ['reddit.com'], utmAliases: ['reddit'] },
  { name: 'Pinterest', category: 'social', hosts: ['pinterest.com', 'pin.it'], utmAliases: ['pinterest'] },
  { name: 'TikTok', category: 'social', hosts: ['tiktok.com'], utmAliases: ['tiktok'] },
  { name: 'Threads', category: 'social', hosts: ['threads.net'], utmAliases: ['threads'] },
  { name: 'Bluesky', category: 'social', hosts: ['bsky.app'], utmAliases: ['bluesky', 'bsky'] },
  { name: 'Mastodon', category: 'social', hosts: ['mastodon.social'], utmAliases: ['mastodon'] },
  { name: 'Hacker News', category: 'social', hosts: ['news.ycombinator.com'], utmAliases: ['hackernews'] },
  { name: 'YouTube', category: 'video', hosts: ['youtube.com', 'youtu.be'], utmAliases: ['youtube'] },
  { name: 'GitHub', category: 'other', hosts: ['github.com'], utmAliases: ['github'] },
];

/** The raw fields of a visit's first event that source and channel are computed from. */
export interface EntryFields {
  readonly referrerHost: string;
  readonly utmSource: string;
  readonly utmMedium: string;
  readonly hostname: string;
  readonly query: string;
}

function hostMatch(d: SqlDialect, hostExpr: string, source: KnownSource): string {
  const parts = source.hosts.map(
    (host) =>
      `(${hostExpr} = ${d.stringLiteral(host)} OR ${d.endsWith(hostExpr, d.stringLiteral(`.${host}`))})`,
  );
  if (source.pattern) parts.push(d.regexMatch(hostExpr, source.pattern));
  return parts.join(' OR ');
}

function utmMatch(d: SqlDialect, utmExpr: string, source: KnownSource): string | null {
  if (source.utmAliases.length === 0) return null;
  return `${d.lower(utmExpr)} IN (${source.utmAliases.map((a) => d.stringLiteral(a)).join(', ')})`;
}

/** Referrer to its own site (a reload after the session expired, for example) counts as direct. */
function externalReferrer(d: SqlDialect, f: EntryFields): string {
  return `(${f.referrerHost} <> '' AND ${f.referrerHost} <> ${f.hostname} AND ${f.hostname} <> ${d.stringLiteral('www.')} || ${f.referrerHost})`;
}

/**
 * Display name of a visit's source: the normalised referrer host; else its `utm_source` (known
 * names normalised); else `Direct / None`.
 */
export function sourceSql(d: SqlDialect, f: EntryFields): string {
  const byHost = knownSources.map(
    (s) => `WHEN ${hostMatch(d, f.referrerHost, s)} THEN ${d.stringLiteral(s.name)}`,
  );
  const byUtm = knownSources.flatMap((s) => {
    const match = utmMatch(d, f.utmSource, s);
    return match ? [`WHEN ${match} THEN ${d.stringLiteral(s.name)}`] : [];
  });
  return `(CASE WHEN ${externalReferrer(d, f)} THEN (CASE ${byHost.join(' ')} ELSE ${f.referrerHost} END)
    WHEN ${f.utmSource} <> '' THEN (CASE ${byUtm.join(' ')} ELSE ${f.utmSource} END)
    ELSE ${d.stringLiteral(directSource)} END)`;
}

function namesOf(d: SqlDialect, category: SourceCategory): string {
  return knownSources
    .filter((s) => s.category === category)
    .map((s) => d.stringLiteral(s.name))
    .join(', ');
}

/** Click ids that advertising platforms append to landing URLs. */
export const paidClickIds = [
  'gclid',
  'gbraid',
  'wbraid',
  'fbclid',
  'msclkid',
  'ttclid',
  'twclid',
  'li_fat_id',
];

/**
 * Channel, first match wins: Paid Social / Paid (utm_medium cpc, ppc, paid*, or an ad click id),
 * Email (utm_medium or utm_source email / e-mail / newsletter), Organic Search, Organic Social
 * (including video sites), Direct (no external referrer, no utm_source), Referral (the rest).
 */
export function channelSql(d: SqlDialect, f: EntryFields, sourceExpr: string): string {
  const medium = d.lower(f.utmMedium);
  const clickId = d.regexMatch(f.query, `(^|&)(${paidClickIds.join('|')})=`);
  const paid = `(${medium} IN ('cpc', 'ppc', 'cpm', 'cpv', 'cpa') OR ${d.startsWith(medium, d.stringLiteral('paid'))} OR ${clickId})`;
  const social = `${sourceExpr} IN (${namesOf(d, 'social')}, ${namesOf(d, 'video')})`;
  const socialish = `(${social} OR ${d.regexMatch(f.query, '(^|&)fbclid=')} OR ${medium} LIKE '%social%')`;
  const email = `(${medium} IN ('email', 'e-mail', 'newsletter') OR ${d.lower(f.utmSource)} IN ('email', 'e-mail', 'newsletter'))`;
  return `(CASE
    WHEN ${paid} AND ${socialish} THEN 'Paid Social'
    WHEN ${paid} THEN 'Paid'
    WHEN ${email} THEN 'Email'
    WHEN ${sourceExpr} IN (${namesOf(d, 'search')}) THEN 'Organic Search'
    WHEN ${socialish} THEN 'Organic Social'
    WHEN ${sourceExpr} = ${d.stringLiteral(directSource)} THEN 'Direct'
    ELSE 'Referral' END)`;
}
