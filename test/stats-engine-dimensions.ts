import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatsResponse } from '../packages/server/src/stats/index.ts';
import { nowMs, q, type StatsFixture, siteA } from './stats-fixture.ts';

/** `"dim1|dim2" -> metrics` for easy comparison. */
export function table(response: StatsResponse): Record<string, unknown[]> {
  return Object.fromEntries(response.results.map((r) => [r.dimensions.join('|'), [...r.metrics]]));
}

/**
 * The breakdowns part of the stats engine contract (stats-engine.test.ts runs it on each backend):
 * every dimension over site A's Berlin week, numbers worked out by hand from stats-fixture-events.ts.
 */
export function dimensionsContract(current: () => StatsFixture): void {
  describe('dimensions', () => {
    const breakdown = async (dimension: string, metrics = ['visitors', 'visits']) =>
      table(
        await current().engine.query(
          q({ dimensions: [dimension as never], metrics: metrics as never }),
          siteA,
          nowMs,
        ),
      );

    it('visit:source normalises referrers and falls back to utm_source', async () => {
      assert.deepEqual(await breakdown('visit:source'), {
        'Direct / None': [3, 3], // V0, V4, V6
        Google: [2, 2], // V1 u1, V5 u4
        Twitter: [1, 1],
        newsletter: [1, 1],
        'news.example.org': [1, 1],
      });
    });

    it('visit:channel', async () => {
      assert.deepEqual(await breakdown('visit:channel'), {
        Direct: [3, 3],
        'Organic Search': [1, 1],
        'Organic Social': [1, 1],
        Email: [1, 1],
        Paid: [1, 1],
        Referral: [1, 1],
      });
    });

    it('entry and exit pages come from the first and last pageview', async () => {
      assert.deepEqual(await breakdown('visit:entry_page'), {
        '/': [1, 2], // V1 and V3, both u1
        '/blog/post-1': [2, 2],
        '/about': [1, 1],
        '/docs': [1, 1],
        '/pricing': [1, 1],
        '(none)': [1, 1], // V6 has no pageview
      });
      assert.deepEqual(await breakdown('visit:exit_page'), {
        '/pricing': [2, 2], // V1, V5
        '/blog/post-1': [2, 2],
        '/about': [1, 1],
        '/': [1, 1],
        '/docs/install': [1, 1],
        '(none)': [1, 1],
      });
    });

    it('event:page counts every event on the page', async () => {
      assert.deepEqual(await breakdown('event:page', ['visitors', 'pageviews', 'events']), {
        '/pricing': [2, 2, 4],
        '/blog/post-1': [2, 2, 2],
        '/': [1, 2, 2],
        '/checkout': [1, 0, 2],
        '/about': [1, 1, 1],
        '/docs': [1, 1, 1],
        '/docs/install': [1, 1, 1],
        '/blog/post-2': [1, 0, 1],
      });
    });

    it('event:name with conversion rate and revenue per currency', async () => {
      const res = await current().engine.query(
        q({ dimensions: ['event:name'], metrics: ['visitors', 'events', 'conversion_rate', 'revenue'] }),
        siteA,
        nowMs,
      );
      // 7 visitors in range: Signup 2/7 = 28.57 %, Purchase 1/7 = 14.29 %; a pageview is not a
      // conversion, so it has no row.
      assert.deepEqual(table(res), {
        Signup: [2, 2, 28.57, {}],
        Purchase: [1, 2, 14.29, { EUR: 49.9, USD: 10 }],
        'Outbound Link: Click': [1, 1, 14.29, {}],
      });
    });

    it('conversion rate keeps the other filters in the denominator', async () => {
      const res = await current().engine.query(
        q({
          metrics: ['visitors', 'conversion_rate'],
          filters: [
            { op: 'is', dimension: 'event:name', values: ['Signup'] },
            { op: 'is', dimension: 'visit:country', values: ['DE'] },
          ],
        }),
        siteA,
        nowMs,
      );
      // Signup from DE: u1; visitors from DE: u1 -> 100 %
      assert.deepEqual(res.results[0]?.metrics, [1, 100]);
    });

    it('hostname, location and technology', async () => {
      assert.deepEqual(await breakdown('event:hostname', ['visitors']), {
        'example.com': [6],
        'blog.example.com': [1],
      });
      assert.deepEqual(await breakdown('visit:country'), {
        US: [2, 2],
        DE: [1, 2],
        NL: [1, 1],
        FR: [1, 1],
        GB: [1, 1],
        '(none)': [1, 1],
      });
      assert.deepEqual(await breakdown('visit:region', ['visitors']), {
        '(none)': [4],
        BE: [1],
        CA: [1],
        NY: [1],
      });
      assert.deepEqual(await breakdown('visit:city', ['visitors']), {
        '(none)': [4],
        Berlin: [1],
        'San Francisco': [1],
        'New York': [1],
      });
      assert.deepEqual(await breakdown('visit:device', ['visitors']), {
        desktop: [4],
        mobile: [2],
        tablet: [1],
      });
      assert.deepEqual(await breakdown('visit:browser', ['visitors']), {
        Chrome: [3],
        Safari: [2],
        Edge: [1],
        Firefox: [1],
      });
      assert.deepEqual(await breakdown('visit:os', ['visitors']), {
        Android: [2],
        Windows: [2],
        Linux: [1],
        iOS: [1],
        macOS: [1],
      });
    });

    it('utm dimensions come from the entry event', async () => {
      assert.deepEqual(await breakdown('visit:utm_source'), { '(none)': [7, 7], newsletter: [1, 1] });
      assert.deepEqual(await breakdown('visit:utm_medium', ['visits']), { '(none)': [7], email: [1] });
      assert.deepEqual(await breakdown('visit:utm_campaign', ['visits']), { '(none)': [7], spring: [1] });
      assert.deepEqual(await breakdown('visit:utm_term', ['visits']), { '(none)': [7], analytics: [1] });
      assert.deepEqual(await breakdown('visit:utm_content', ['visits']), {
        '(none)': [7],
        'header-link': [1],
      });
    });

    it('event:props:<key>, missing property shown as (none)', async () => {
      const res = await current().engine.query(
        q({
          dimensions: ['event:props:plan'],
          metrics: ['visitors', 'events'],
          filters: [{ op: 'is', dimension: 'event:name', values: ['Signup'] }],
        }),
        siteA,
        nowMs,
      );
      assert.deepEqual(table(res), { pro: [1, 1], free: [1, 1] });
      const all = await breakdown('event:props:plan', ['events']);
      assert.deepEqual(all, { '(none)': [12], pro: [1], free: [1] });
    });

    it('orders, pages and counts rows', async () => {
      const first = await current().engine.query(
        q({ dimensions: ['visit:browser'], orderBy: [{ key: 'visit:browser', direction: 'asc' }], limit: 2 }),
        siteA,
        nowMs,
      );
      assert.deepEqual(
        first.results.map((r) => r.dimensions[0]),
        ['Chrome', 'Edge'],
      );
      assert.equal(first.meta.total_rows, 4);
      const second = await current().engine.query(
        q({
          dimensions: ['visit:browser'],
          orderBy: [{ key: 'visit:browser', direction: 'asc' }],
          limit: 2,
          page: 1,
        }),
        siteA,
        nowMs,
      );
      assert.deepEqual(
        second.results.map((r) => r.dimensions[0]),
        ['Firefox', 'Safari'],
      );
    });
  });
}
