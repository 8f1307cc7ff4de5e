/** How a visit's first event becomes a source name and a channel (one visit per case). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  describeOnEveryEngine,
  event,
  nowMs,
  type OpenFixture,
  q,
  type StatsFixture,
  siteA,
} from './stats-fixture.ts';

type Case = [
  ref: string,
  utm: { source?: string; medium?: string },
  query: string,
  source: string,
  channel: string,
];

const cases: Case[] = [
  ['', {}, '', 'Direct / None', 'Direct'],
  ['example.com', {}, '', 'Direct / None', 'Direct'], // the site itself
  ['google.com', {}, '', 'Google', 'Organic Search'],
  ['google.co.uk', {}, '', 'Google', 'Organic Search'],
  ['news.google.de', {}, '', 'Google', 'Organic Search'],
  ['bing.com', {}, '', 'Bing', 'Organic Search'],
  ['duckduckgo.com', {}, '', 'DuckDuckGo', 'Organic Search'],
  ['t.co', {}, '', 'Twitter', 'Organic Social'],
  ['x.com', {}, '', 'Twitter', 'Organic Social'],
  ['m.facebook.com', {}, '', 'Facebook', 'Organic Social'],
  ['linkedin.com', {}, '', 'LinkedIn', 'Organic Social'],
  ['old.reddit.com', {}, '', 'Reddit', 'Organic Social'],
  ['youtube.com', {}, '', 'YouTube', 'Organic Social'],
  ['blog.example.org', {}, '', 'blog.example.org', 'Referral'],
  ['notgoogle.com', {}, '', 'notgoogle.com', 'Referral'],
  ['google.com', { medium: 'cpc' }, '', 'Google', 'Paid'],
  ['', {}, 'gclid=1', 'Direct / None', 'Paid'],
  ['', {}, 'a=1&msclkid=2', 'Direct / None', 'Paid'],
  ['facebook.com', {}, 'fbclid=3', 'Facebook', 'Paid Social'],
  ['', { source: 'newsletter', medium: 'email' }, '', 'newsletter', 'Email'],
  ['', { source: 'Email' }, '', 'Email', 'Email'],
  ['', { source: 'twitter' }, '', 'Twitter', 'Organic Social'],
  ['', { source: 'partner-site' }, '', 'partner-site', 'Referral'],
];

/** The contract, run on each backend with the same fixture and assertions. */
function sourcesContract(open: OpenFixture): void {
  let fx: StatsFixture;
  before(async () => {
    fx = await open(
      cases.map(([ref, utm, query], i) =>
        event({
          at: '2026-03-03T10:00:00Z',
          session: `c${i}`,
          visitor: `v${i}`,
          path: `/case-${i}`,
          ref,
          utm,
          query,
        }),
      ),
    );
  });
  after(() => fx.close());

  describe('source and channel', () => {
    it('classifies each entry', async () => {
      const res = await fx.engine.query(
        q({ dimensions: ['visit:entry_page', 'visit:source', 'visit:channel'], metrics: ['visits'] }),
        siteA,
        nowMs,
      );
      const byCase = new Map(res.results.map((r) => [r.dimensions[0], r.dimensions.slice(1)]));
      cases.forEach(([ref, utm, query, source, channel], i) => {
        assert.deepEqual(
          byCase.get(`/case-${i}`),
          [source, channel],
          `ref=${ref} utm=${JSON.stringify(utm)} q=${query}`,
        );
      });
    });
  });
}

describeOnEveryEngine('', sourcesContract);
