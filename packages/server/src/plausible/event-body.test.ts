import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plausibleFieldName, plausiblePayload } from './event-body.ts';

const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('plausiblePayload', () => {
  it('maps the long keys onto our ingest body', () => {
    const { domains, body } = plausiblePayload(
      {
        name: 'Signup',
        url: 'https://a.example/x',
        domain: 'A.example, b.example',
        referrer: 'https://ref.example/',
        props: { plan: 'pro', gone: null, blank: '' },
        revenue: { amount: 5, currency: 'USD' },
      },
      firefox,
    );
    assert.deepEqual(domains, ['a.example', 'b.example']);
    assert.equal(body.event_type, 'custom');
    assert.equal(body.event_name, 'Signup');
    assert.equal(body.url, 'https://a.example/x');
    assert.equal(body.referrer, 'https://ref.example/');
    assert.deepEqual(body.properties, { plan: 'pro' });
    assert.deepEqual(body.revenue, { amount: 5, currency: 'USD' });
    assert.equal(body.browser, 'Firefox');
    assert.equal(body.os, 'Linux');
    assert.equal(body.device_type, 'desktop');
    assert.equal(body.user_agent, firefox);
  });

  it("reads the script's short keys, props and revenue as JSON text", () => {
    const { domains, body } = plausiblePayload(
      {
        n: 'pageview',
        u: 'https://a.example/',
        d: 'a.example',
        r: null,
        p: '{"k":"v"}',
        $: '{"amount":"1.5","currency":"EUR"}',
      },
      firefox,
    );
    assert.deepEqual(domains, ['a.example']);
    assert.equal(body.event_type, 'pageview');
    assert.equal(body.event_name, undefined);
    assert.equal(body.referrer, null);
    assert.deepEqual(body.properties, { k: 'v' });
    assert.deepEqual(body.revenue, { amount: '1.5', currency: 'EUR' });
  });

  it('leaves what it cannot read to the validator, which names the field', () => {
    const { domains, body } = plausiblePayload({ name: 42, domain: 7, props: 'not json' }, '');
    assert.deepEqual(domains, []);
    assert.equal(body.event_name, 42);
    assert.equal(body.properties, 'not json');
    assert.equal(plausibleFieldName('properties.k'), 'props.k');
    assert.equal(plausibleFieldName('event_name'), 'name');
  });

  it('passes interactive (or the short i) on as sent; absent or null sends nothing', () => {
    const at = { name: 'Play', url: 'https://a.example/', domain: 'a.example' };
    assert.equal(plausiblePayload({ ...at, interactive: false }, firefox).body.interactive, false);
    assert.equal(plausiblePayload({ ...at, i: false }, firefox).body.interactive, false);
    assert.equal(plausiblePayload({ ...at, interactive: true, i: false }, firefox).body.interactive, true);
    // Not a boolean: left to the validator, which refuses it.
    assert.equal(plausiblePayload({ ...at, i: 'false' }, firefox).body.interactive, 'false');
    assert.equal(Object.hasOwn(plausiblePayload(at, firefox).body, 'interactive'), false);
    assert.equal(Object.hasOwn(plausiblePayload({ ...at, i: null }, firefox).body, 'interactive'), false);
  });
});

describe('clientFields from the User-Agent header', () => {
  it('reads device, browser and OS as the browser tracker does', async () => {
    const { clientFields } = await import('./user-agent.ts');
    const cases: Array<[string, [string, string, string]]> = [
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
        ['desktop', 'Edge', 'Windows'],
      ],
      [
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
        ['mobile', 'Chrome', 'Android'],
      ],
      [
        'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/604.1',
        ['tablet', 'Safari', 'iOS'],
      ],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
        ['desktop', 'Safari', 'macOS'],
      ],
      ['', ['desktop', 'Other', 'Other']],
    ];
    for (const [agent, [device, browser, os]] of cases) {
      assert.deepEqual(clientFields(agent), { device_type: device, browser, os }, agent);
    }
  });
});
