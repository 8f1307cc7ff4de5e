import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { ManualClock } from '../packages/server/src/clock.ts';
import type { Logger } from '../packages/server/src/log.ts';
import { freePort } from './support/ports.ts';
import { startTestServer, type TestServer, tempDataDir } from './support/test-server.ts';

// Shutdown while a report mail is being sent, against a real SMTP server (smtp-server) that holds
// its answer to a message until the test lets it go: the server's stop waits for that send to be
// answered and recorded (so it is never mailed again once its claim's lease runs out), claims no
// other send meanwhile, and waits a bounded time only.

interface SlowSmtp {
  readonly url: string;
  /** Recipients of the messages answered 250, in order. */
  readonly accepted: string[];
  /** Holds the answer to the next message; resolves once its data has arrived. */
  holdNext(): Promise<void>;
  /** Answers the held message (250). */
  release(): void;
  close(): Promise<void>;
}

async function startSlowSmtp(): Promise<SlowSmtp> {
  const accepted: string[] = [];
  let hold: { arrived: () => void; released: Promise<void>; release: () => void } | null = null;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        const answer = () => {
          accepted.push(session.envelope.rcptTo.map((to) => to.address).join(','));
          callback();
        };
        const held = hold;
        hold = null;
        if (!held) return answer();
        held.arrived();
        void held.released.then(answer);
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  let releaseHeld = () => {};
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    holdNext: () =>
      new Promise<void>((arrived) => {
        const released = new Promise<void>((resolve) => {
          releaseHeld = resolve;
        });
        hold = { arrived, released, release: releaseHeld };
      }),
    release: () => releaseHeld(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A logger that keeps its messages, and tells when one is written. */
function recordingLogger() {
  const messages: string[] = [];
  const waiters: Array<{ message: string; resolve: () => void }> = [];
  const write = (message: string) => {
    messages.push(message);
    for (const waiter of waiters.filter((w) => w.message === message)) waiter.resolve();
  };
  const log: Logger = { debug: write, info: write, warn: write, error: write };
  return {
    log,
    messages,
    written: (message: string) =>
      messages.includes(message)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ message, resolve })),
  };
}

const waitingLine = 'waiting for the report mail being sent before stopping';
const gaveUpLine = 'stopped with a report mail still being sent; its claim runs out in 10 minutes';

let smtp: SlowSmtp;
let server: TestServer;
let siteId: string;
const dataDir = tempDataDir('zenovay-reports-shutdown-');
// Tuesday 10 March 2026: the week of 2–8 March is due (site in UTC).
const clock = new ManualClock(Date.parse('2026-03-10T08:00:00Z'));
let recorded = recordingLogger();

const start = async () => {
  recorded = recordingLogger();
  server = await startTestServer({
    dataDir,
    clock,
    config: {
      mail: { smtpUrl: smtp.url, from: 'reports@zenovay.test', publicUrl: 'https://analytics.example' },
    },
    runtime: { log: recorded.log },
  });
};
const pass = () => server.runtime.reports.scheduler!.pass(clock.now());

before(async () => {
  smtp = await startSlowSmtp();
  await start();
  siteId = (await server.runtime.sites.add('slow.example')).id;
  for (const email of ['ann@example.com', 'bob@example.com'])
    await server.runtime.reports.service.subscribe(siteId, { email, frequency: 'weekly' });
});

after(async () => {
  smtp?.release();
  await server?.stop();
  await smtp?.close();
});

test('stopping while a mail is being sent waits for it, records it, and claims nothing more', async () => {
  const arrived = smtp.holdNext();
  const passing = pass();
  await arrived; // the first mail's data is at the SMTP server, which has not answered yet
  let stopped = false;
  const stopping = server.stop().then(() => {
    stopped = true;
  });
  await Promise.race([recorded.written(waitingLine), stopping]);
  assert.equal(stopped, false, 'stop must not finish while the mail is unanswered');
  assert.deepEqual(smtp.accepted, []);
  smtp.release();
  await stopping;
  assert.equal(smtp.accepted.length, 1, 'answered before stop finished');
  assert.deepEqual(await passing, { sent: 1, failed: 0 }, 'the other subscription was not claimed');

  // Back up on the same data: the other address's report is due and unclaimed, so it goes now;
  // the first is recorded as sent, so not even after its lease (10 minutes) has run out.
  await start();
  assert.deepEqual(await pass(), { sent: 1, failed: 0 });
  clock.advance(11 * 60_000);
  assert.deepEqual(await pass(), { sent: 0, failed: 0 });
  assert.deepEqual([...smtp.accepted].sort(), ['ann@example.com', 'bob@example.com']);
});

test('the wait is bounded: a send that outlasts it is left to its lease', async () => {
  clock.set(Date.parse('2026-03-17T08:00:00Z')); // the week of 9–15 March is due
  const arrived = smtp.holdNext();
  const passing = pass();
  await arrived;
  const scheduler = server.runtime.reports.scheduler!;
  assert.equal(await scheduler.stop(50), false, 'gave up waiting');
  assert.ok(recorded.messages.includes(gaveUpLine), recorded.messages.join('\n'));
  assert.equal(smtp.accepted.length, 2, 'the held mail is still unanswered');
  assert.deepEqual(
    await scheduler.pass(clock.now()),
    { sent: 0, failed: 0 },
    'a stopped scheduler sends nothing',
  );
  smtp.release();
  assert.deepEqual(await passing, { sent: 1, failed: 0 }, 'the send in hand still finishes and is recorded');
  assert.equal(smtp.accepted.length, 3);
});
