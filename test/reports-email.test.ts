import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';
import { postEvent, serverDefaults, startTestServer, type TestServer } from './support/test-server.ts';

// Email reports end to end, against a real SMTP server started here: subscriptions through the
// dashboard API, the scheduler's pass (run by the test, on the test's clock), the message as it
// arrives (HTML and plain text, its numbers equal to the stats API's), once per period across
// passes and restarts, retried after an SMTP failure, and an unsubscribe link that works without
// signing in: its page (GET) changes nothing, its button or a mail program's RFC 8058 one-click
// POST stops the report.
//
// Traffic (counted by hand), site shop.example in Europe/Paris:
//   week of Mon 23 Feb – Sun 1 Mar 2026: dan and eve, one pageview each of / → 2 visitors, 2 pageviews;
//   week of Mon 2 – Sun 8 Mar: ann (/ then /pricing), bob (/), cat (/pricing) → 3 visitors, 4 pageviews.
//   cat also buys (custom event purchase, 49.90 EUR) in her visit. A bounce is a visit with one
//   pageview and no custom event: only bob's, 1 of 3 = 33 % (the week before: 2 of 2, 100 %).
//   Visit duration: ann's visit lasts 60 s (her second page a minute later), bob's and cat's 0 s:
//   a mean of 20 s (the week before: 0 s). All traffic is direct.
// February (monthly report): dan and eve only. Goals: "Pricing" (page /pricing) converts twice in
// the week of 2 March (ann, cat), "Purchase" (event purchase, in EUR) once, 49.90 EUR; neither
// the week before.

const password = 'correct horse battery staple';
let smtp: SmtpSink;
let server: TestServer;
let owner: DashboardClient;
let siteId: string;
let trackingCode: string;
const clock = new ManualClock(Date.parse('2026-02-24T10:00:00Z'));

const mailConfig = () => ({
  mail: { smtpUrl: smtp.url, from: 'reports@zenovay.test', publicUrl: 'https://analytics.example' },
});

async function pageview(user: string, path: string) {
  const response = await postEvent(server, trackingCode, {
    ...serverDefaults,
    session_id: `srv-${user}-visit`,
    user_id: user,
    url: `https://shop.example${path}`,
  });
  assert.equal(response.status, 202, JSON.stringify(response.body));
}

const pass = () => server.runtime.reports.scheduler!.pass(server.clock.now());

before(async () => {
  smtp = await startSmtpSink();
  server = await startTestServer({ clock, config: mailConfig() });
  await server.runtime.accounts.createUser('owner@example.com', password);
  owner = new DashboardClient(server);
  await owner.signIn('owner@example.com', password);
  const site = (await owner.call('POST', '/sites', { domain: 'shop.example', timezone: 'Europe/Paris' })).body
    .site;
  siteId = site.id;
  trackingCode = site.tracking_code;
  await server.runtime.goals.create(siteId, { type: 'page', name: 'Pricing', page_path: '/pricing' });
  await server.runtime.goals.create(siteId, {
    type: 'event',
    name: 'Purchase',
    event_name: 'purchase',
    currency: 'EUR',
  });
  await pageview('dan', '/');
  await pageview('eve', '/');
  clock.set(Date.parse('2026-03-03T10:00:00Z'));
  await pageview('ann', '/');
  clock.advance(60_000);
  await pageview('ann', '/pricing');
  await pageview('bob', '/');
  await pageview('cat', '/pricing');
  const bought = await postEvent(server, trackingCode, {
    ...serverDefaults,
    session_id: 'srv-cat-visit',
    user_id: 'cat',
    url: 'https://shop.example/pricing',
    event_type: 'custom',
    event_name: 'purchase',
    revenue: { amount: '49.90', currency: 'EUR' },
  });
  assert.equal(bought.status, 202, JSON.stringify(bought.body));
  await server.runtime.eventsLoaded();
});

after(async () => {
  await server?.stop();
  await smtp?.close();
});

test('members opt in to their own address; only owners add others; mail settings are reported', async () => {
  const mine = await owner.call('POST', `/sites/${siteId}/reports`, { frequency: 'weekly' });
  assert.equal(mine.status, 201, JSON.stringify(mine.body));
  assert.equal(mine.body.report.email, 'owner@example.com');
  const boss = await owner.call('POST', `/sites/${siteId}/reports`, {
    email: 'Boss@Example.com',
    frequency: 'monthly',
  });
  assert.equal(boss.status, 201);
  const twice = await owner.call('POST', `/sites/${siteId}/reports`, { frequency: 'weekly' });
  assert.equal(twice.status, 400);
  const viewerUser = await server.runtime.accounts.createUser('viewer@example.com', password);
  assert.equal(await server.runtime.members.add(siteId, viewerUser.id, 'viewer'), 'ok');
  const viewer = new DashboardClient(server);
  await viewer.signIn('viewer@example.com', password);
  const other = await viewer.call('POST', `/sites/${siteId}/reports`, { email: 'x@example.com' });
  assert.equal(other.status, 403);
  const listed = await viewer.call('GET', `/sites/${siteId}/reports`);
  assert.deepEqual(
    listed.body,
    { mail: { configured: true, problem: null }, reports: [] },
    'a viewer sees own only',
  );
  assert.deepEqual(
    (await owner.call('GET', `/sites/${siteId}/reports`)).body.reports
      .map((r: { email: string; frequency: string }) => `${r.email} ${r.frequency}`)
      .sort(), // both made at the same instant of the test's clock
    ['boss@example.com monthly', 'owner@example.com weekly'],
  );
});

test('on Tuesday 10 March the week’s and February’s reports arrive, their numbers the stats API’s', async () => {
  clock.set(Date.parse('2026-03-10T08:00:00Z'));
  assert.deepEqual(await pass(), { sent: 2, failed: 0 });
  assert.equal(smtp.messages.length, 2);
  const weekly = smtp.messages.find((m) => m.subject?.startsWith('Weekly'))!;
  assert.equal(weekly.subject, 'Weekly report for shop.example: 2026-03-02 to 2026-03-08');
  assert.equal(weekly.from?.text, 'reports@zenovay.test');
  assert.equal((weekly.to as { text: string }).text, 'owner@example.com');
  const text = weekly.text ?? '';
  assert.match(text, /^Visitors: 3 \(\+50%\)$/m);
  assert.match(text, /^Pageviews: 4 \(\+100%\)$/m);
  assert.match(text, /^Bounce rate: 33% \(−67%\)$/m);
  assert.match(text, /^Visit duration: 20s \(new\)$/m);
  assert.match(text, /^ {2}Direct \/ None: 3 \(\+50%\)$/m);
  assert.match(text, /^ {2}\/: 2 \(no change\)$/m);
  assert.match(text, /^ {2}\/pricing: 2 \(new\)$/m);
  assert.match(
    text,
    /^Goals:\n {2}Pricing: 2 conversions \(new\)\n {2}Purchase: 1 conversion, 49\.90 EUR \(new\)$/m,
  );
  assert.match(weekly.html || '', /<strong>3<\/strong>/);
  // The same numbers from the stats API, for the same days in the site's time zone.
  const api = await owner.call('POST', `/sites/${siteId}/query`, {
    metrics: ['visitors', 'pageviews', 'bounce_rate', 'visit_duration'],
    date_range: ['2026-03-02', '2026-03-08'],
  });
  assert.deepEqual(api.body.results[0].metrics, [3, 4, 33, 20]);
  const monthly = smtp.messages.find((m) => m.subject?.startsWith('Monthly'))!;
  assert.equal(monthly.subject, 'Monthly report for shop.example: 2026-02-01 to 2026-02-28');
  assert.equal((monthly.to as { text: string }).text, 'boss@example.com');
  assert.match(monthly.text ?? '', /^Visitors: 2 \(new\)$/m);
});

test('once per period: another pass, and a restart on the same data, send nothing more', async () => {
  assert.deepEqual(await pass(), { sent: 0, failed: 0 });
  await server.stop();
  server = await startTestServer({ dataDir: server.dataDir, clock, config: mailConfig() });
  owner = new DashboardClient(server);
  await owner.signIn('owner@example.com', password);
  assert.deepEqual(await pass(), { sent: 0, failed: 0 });
  assert.equal(smtp.messages.length, 2);
});

test('a refused send is retried 5 minutes later, and sent once', async () => {
  clock.set(Date.parse('2026-03-16T08:00:00Z')); // Monday: the week of 9–15 March is due
  smtp.refuseNext();
  assert.deepEqual(await pass(), { sent: 0, failed: 1 });
  clock.advance(4 * 60_000);
  assert.deepEqual(await pass(), { sent: 0, failed: 0 }, 'not before the retry time');
  clock.advance(60_000);
  assert.deepEqual(await pass(), { sent: 1, failed: 0 });
  assert.equal(smtp.messages.at(-1)?.subject, 'Weekly report for shop.example: 2026-03-09 to 2026-03-15');
  assert.match(smtp.messages.at(-1)?.text ?? '', /^Visitors: 0 \(−100%\)$/m);
});

/** The link in a mail's plain-text part, as a recipient reads it. */
const linkOf = (subject: string) =>
  /Stop these reports: (\S+)/.exec(
    smtp.messages.find((m) => m.subject?.startsWith(subject))?.text ?? '',
  )?.[1] ?? '';
/** A header of a mail as one line (unfolded: a long header may be folded onto the next line). */
const headerLine = (subject: string, key: string) => {
  const lines = smtp.messages.find((m) => m.subject?.startsWith(subject))?.headerLines ?? [];
  const found = lines.filter((h) => h.key === key);
  assert.equal(found.length, 1, `one ${key} header`);
  return found[0]!.line.replace(/\r\n(?=[ \t])/g, '');
};
const emails = async () =>
  (await owner.call('GET', `/sites/${siteId}/reports`)).body.reports
    .map((r: { email: string }) => r.email)
    .sort();
const open = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
const oneClick = (path: string, body = 'List-Unsubscribe=One-Click') =>
  open(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

// One page for every token that stops nothing (malformed, used, never made), hand-written here.
const invalidPage = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>This link does not stop a report</title></head>
<body><main><h1>This link does not stop a report</h1><p>This unsubscribe link stops no report: it was used already, the report was removed, or the link is incomplete. Nothing was changed.</p><p><small>NOT_FOUND</small></p></main></body></html>`;

test('every report mail carries its link and RFC 8058 one-click headers', () => {
  for (const subject of ['Weekly', 'Monthly']) {
    const link = linkOf(subject);
    assert.match(link, /^https:\/\/analytics\.example\/reports\/unsubscribe\/[A-Za-z0-9_-]{43}$/);
    assert.equal(headerLine(subject, 'list-unsubscribe'), `List-Unsubscribe: <${link}>`);
    assert.equal(
      headerLine(subject, 'list-unsubscribe-post'),
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    const html = smtp.messages.find((m) => m.subject?.startsWith(subject))?.html || '';
    assert.ok(html.includes(`<a href="${link}">Stop these reports</a>`), html);
  }
  assert.notEqual(linkOf('Weekly'), linkOf('Monthly'), 'one token per subscription');
});

test('opening the link changes nothing: its page asks, and only its button’s POST stops the report', async () => {
  const path = new URL(linkOf('Weekly')).pathname;
  for (let i = 0; i < 3; i += 1) {
    const page = await open(path); // as a mail program's prefetch or a link scanner would
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    const html = await page.text();
    assert.ok(
      html.includes(
        '<p>Press the button to stop the weekly report of shop.example to this address. Nothing changes until you do.</p>' +
          '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">' +
          '<button type="submit">Stop this report</button></form>',
      ),
      html,
    );
  }
  assert.equal((await open(path, { method: 'HEAD' })).status, 200);
  assert.deepEqual(await emails(), ['boss@example.com', 'owner@example.com'], 'a GET or HEAD stops nothing');

  // Refusals leave it in place, each with its code.
  const json = await open(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"List-Unsubscribe":"One-Click"}',
  });
  assert.equal(json.status, 415);
  assert.match(await json.text(), /<small>UNSUPPORTED_MEDIA_TYPE<\/small>/);
  const bare = await open(path, { method: 'POST' });
  assert.equal(bare.status, 415);
  const wrong = await oneClick(path, 'List-Unsubscribe=Yes');
  assert.equal(wrong.status, 400);
  assert.match(
    await wrong.text(),
    /<p>The body must be List-Unsubscribe=One-Click, as the mail’s List-Unsubscribe-Post header says\.<\/p><p><small>VALIDATION_ERROR<\/small>/,
  );
  const huge = await oneClick(path, `List-Unsubscribe=One-Click&pad=${'x'.repeat(5000)}`);
  assert.equal(huge.status, 413);
  assert.match(await huge.text(), /<small>PAYLOAD_TOO_LARGE<\/small>/);
  assert.deepEqual(await emails(), ['boss@example.com', 'owner@example.com'], 'no refusal stops it');

  // The button: the page's form, posted as a browser posts it, without signing in.
  const stopped = await oneClick(path);
  assert.equal(stopped.status, 200);
  assert.match(
    await stopped.text(),
    /<h1>Unsubscribed<\/h1><p>You will not get the weekly report of shop\.example any more\. Nothing else was changed\.<\/p>/,
  );
  assert.deepEqual(await emails(), ['boss@example.com']);
  clock.set(Date.parse('2026-03-23T08:00:00Z'));
  assert.deepEqual(await pass(), { sent: 0, failed: 0 }, 'no weekly report any more; the monthly is not due');
});

test('a used, a never-made and a malformed token get one and the same page, GET or POST', async () => {
  const used = new URL(linkOf('Weekly')).pathname;
  const paths = [
    used,
    `/reports/unsubscribe/${'A'.repeat(43)}`,
    '/reports/unsubscribe/short',
    '/reports/unsubscribe/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    `/reports/unsubscribe/${'A'.repeat(500)}`,
    `${used}/again`,
    '/reports/unsubscribe/',
  ];
  for (const path of paths) {
    for (const answer of [await open(path), await oneClick(path)]) {
      assert.equal(answer.status, 404, path);
      assert.equal(await answer.text(), invalidPage, path);
    }
  }
  assert.deepEqual(await emails(), ['boss@example.com']);
});

test('a mail program’s one-click POST (multipart, as in RFC 8058) stops the monthly report at once', async () => {
  const path = new URL(linkOf('Monthly')).pathname;
  const boundary = '----FormBoundaryjWmhtjORrn';
  const answer = await open(path, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
  });
  assert.equal(answer.status, 200);
  assert.match(await answer.text(), /You will not get the monthly report of shop\.example any more\./);
  assert.deepEqual(await emails(), []);
});

test('the page escapes what people type: a site named with HTML', async () => {
  const made = await owner.call('POST', '/sites', {
    domain: 'tags.example',
    name: '<img src=x onerror=alert(1)> & "Co"',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const report = await owner.call('POST', `/sites/${made.body.site.id}/reports`, { frequency: 'monthly' });
  assert.equal(report.status, 201);
  const [subscription] = await server.runtime.reports.service.list(made.body.site.id);
  const html = await (await open(`/reports/unsubscribe/${subscription!.unsubscribeToken}`)).text();
  assert.ok(
    html.includes(
      'the monthly report of &lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot; to this address',
    ),
    html,
  );
  assert.ok(!html.includes('<img'), html);
});

test('without mail settings: no scheduler, and the settings answer says why', async () => {
  const plain = await startTestServer();
  try {
    assert.equal(plain.runtime.reports.scheduler, null);
    await plain.runtime.accounts.createUser('solo@example.com', password);
    const client = new DashboardClient(plain);
    await client.signIn('solo@example.com', password);
    const id = (await client.call('POST', '/sites', { domain: 'solo.example' })).body.site.id;
    const answer = await client.call('GET', `/sites/${id}/reports`);
    assert.deepEqual(answer.body.mail, {
      configured: false,
      problem: 'No mail server is configured (ZENOVAY_SMTP_URL), so no reports are sent.',
    });
  } finally {
    await plain.stop();
  }
});

test('with mail settings an invitation is mailed too, and its link works', async () => {
  const before = smtp.messages.length;
  const made = await owner.call('POST', `/sites/${siteId}/invites`, {
    email: 'guest@example.com',
    role: 'viewer',
  });
  assert.equal(made.status, 201);
  assert.equal(made.body.mail_sent, true);
  assert.equal(smtp.messages.length, before + 1);
  const mail = smtp.messages.at(-1)!;
  assert.equal(mail.subject, 'owner@example.com invites you to shop.example on Zenovay');
  assert.equal((mail.to as { text: string }).text, 'guest@example.com');
  assert.deepEqual(
    mail.headerLines.filter((h) => h.key === 'list-unsubscribe' || h.key === 'list-unsubscribe-post'),
    [],
    'an invitation is not a list: no unsubscribe headers (its link is the invitation)',
  );
  const link = /Accept \(one use, until \d{4}-\d\d-\d\d\): (\S+)/.exec(mail.text ?? '')?.[1] ?? '';
  assert.equal(link, `https://analytics.example${made.body.path}`);
  const token = new URL(link).pathname.split('/').at(-1);
  const anonymous = new DashboardClient(server);
  await anonymous.call('GET', '/session');
  const offer = await anonymous.call('GET', `/invites/${token}`);
  assert.equal(offer.status, 200);
  assert.equal(offer.body.email, 'guest@example.com');
});

test('a mail server that refuses the invitation mail: the invitation is made and its link answered', async () => {
  smtp.refuseNext();
  const made = await owner.call('POST', `/sites/${siteId}/invites`, { email: 'later@example.com' });
  assert.equal(made.status, 201);
  assert.equal(made.body.mail_sent, false);
  assert.match(made.body.path, /^\/invite\/zvi_/);
});
