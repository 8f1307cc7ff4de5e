import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

test('PHP and PHPUnit are installed (CI installs php-cli php-curl phpunit; a missing PHP fails)', () => {
  const php = spawnSync('php', ['-r', 'echo PHP_VERSION_ID, " ", extension_loaded("curl") ? 1 : 0;'], {
    encoding: 'utf8',
  });
  assert.equal(php.status, 0, 'php is not installed: apt-get install php-cli php-curl phpunit');
  const [versionId, curl] = php.stdout.split(' ').map(Number);
  assert.ok(versionId! >= 80100, `PHP ${versionId} is older than 8.1`);
  assert.equal(curl, 1, 'ext-curl is missing: apt-get install php-curl');
  assert.equal(spawnSync('phpunit', ['--version']).status, 0, 'phpunit is not installed');
});

test('the PHP client passes its own tests against the real server', async (t) => {
  run = await runClientSuite({
    language: 'php',
    command: 'phpunit',
    args: ['--testdox'],
    cwd: 'clients/php',
  });
  assert.doesNotMatch(
    run.output,
    /skipped|incomplete|risky/i,
    'no PHP test may skip when the server is there',
  );
  t.diagnostic(run.output.split('\n').slice(-4).join(' '));
});

test('PHP: trackEvent and trackPageview store exactly what the Node SDK stores', async () => {
  assert.ok(run, 'the suite did not run');
  await assertHelpersMatchNode(run);
});

test('PHP: 2,000 events per transport through the fault proxy are stored exactly once', async () => {
  assert.ok(run, 'the suite did not run');
  await assertFaultRunsStoredOnce(run);
});

test('PHP: an event id sent twice is one row', async () => {
  assert.ok(run, 'the suite did not run');
  const rows = await storedEvents(run.server, run.miscSite.id);
  assert.equal(rows.filter((row) => row.event_id === 'evt_php_1Nq2x3y4z5').length, 1);
});

test('PHP: deferred events are sent by the shutdown function when the script ends', async () => {
  assert.ok(run, 'the suite did not run');
  await assertExitFlushStored(run);
});
