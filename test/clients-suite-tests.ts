import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  assertExitFlushStored,
  assertFaultRunsStoredOnce,
  assertHelpersMatchNode,
  assertRevenueStored,
  type ClientSuite,
  runClientSuite,
  type SuiteRun,
} from './clients-harness.ts';
import { storedEvents } from './support/test-server.ts';

export interface ClientTestSpec {
  /** The language as titles name it: `PHP`, `Python`. */
  readonly label: string;
  readonly suite: ClientSuite;
  /** Output of the client's own suite that means a test did not really run. */
  readonly notRun: RegExp;
  /** The client's names for the two helpers, as the helpers test's title gives them. */
  readonly helperNames: string;
  /** The event id the client's own suite sends twice. */
  readonly duplicateEventId: string;
  /** How the client sends what is pending when the process ends, as that test's title says it. */
  readonly exitFlush: string;
}

/**
 * The checks every non-Node client goes through, in order: its own test suite against the real
 * server, then what that run stored. One run is shared by the file; the server stops after it.
 */
export function clientSuiteTests(spec: ClientTestSpec): void {
  let run: SuiteRun | undefined;
  after(() => run?.server.stop());

  test(`the ${spec.label} client passes its own tests against the real server`, async (t) => {
    run = await runClientSuite(spec.suite);
    assert.doesNotMatch(run.output, spec.notRun, `no ${spec.label} test may skip when the server is there`);
    t.diagnostic(run.output.split('\n').slice(-4).join(' '));
  });

  test(`${spec.label}: ${spec.helperNames} store exactly what the Node SDK stores`, async () => {
    assert.ok(run, 'the suite did not run');
    await assertHelpersMatchNode(run);
  });

  test(`${spec.label}: 2,000 events per transport through the fault proxy are stored exactly once`, async () => {
    assert.ok(run, 'the suite did not run');
    await assertFaultRunsStoredOnce(run);
  });

  test(`${spec.label}: an event id sent twice is one row`, async () => {
    assert.ok(run, 'the suite did not run');
    const rows = await storedEvents(run.server, run.miscSite.id);
    assert.equal(rows.filter((row) => row.event_id === spec.duplicateEventId).length, 1);
  });

  test(`${spec.label}: ${spec.exitFlush}`, async () => {
    assert.ok(run, 'the suite did not run');
    await assertExitFlushStored(run);
  });

  test(`${spec.label}: revenue is stored exactly and user_id gives the Node SDK's visitor`, async () => {
    assert.ok(run, 'the suite did not run');
    await assertRevenueStored(run);
  });
}
