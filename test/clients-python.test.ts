import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  assertExitFlushStored,
  assertFaultRunsStoredOnce,
  assertHelpersMatchNode,
  runClientSuite,
  type SuiteRun,
} from './clients-harness.ts';
import { storedEvents } from './support/test-server.ts';

let run: SuiteRun | undefined;
after(() => run?.server.stop());

test('the Python client passes its own tests against the real server', async (t) => {
  run = await runClientSuite({
    language: 'python',
    command: 'python3',
    args: ['-m', 'unittest', 'discover', '-v', '-s', 'tests'],
    cwd: 'clients/python',
  });
  assert.doesNotMatch(run.output, /skipped/, 'no Python test may skip when the server is there');
  t.diagnostic(run.output.split('\n').slice(-4).join(' '));
});

test('Python: track_event and track_pageview store exactly what the Node SDK stores', async () => {
  assert.ok(run, 'the suite did not run');
  await assertHelpersMatchNode(run);
});

test('Python: 2,000 events per transport through the fault proxy are stored exactly once', async () => {
  assert.ok(run, 'the suite did not run');
  await assertFaultRunsStoredOnce(run);
});

test('Python: an event id sent twice is one row', async () => {
  assert.ok(run, 'the suite did not run');
  const rows = await storedEvents(run.server, run.miscSite.id);
  assert.equal(rows.filter((row) => row.event_id === 'evt_py_1Nq2x3y4z5').length, 1);
});

test('Python: events pending when the interpreter exits are sent by the atexit flush', async () => {
  assert.ok(run, 'the suite did not run');
  await assertExitFlushStored(run);
});
