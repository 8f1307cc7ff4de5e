import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { clientSuiteTests } from './clients-suite-tests.ts';

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

clientSuiteTests({
  label: 'PHP',
  suite: { language: 'php', command: 'phpunit', args: ['--testdox'], cwd: 'clients/php' },
  notRun: /skipped|incomplete|risky/i,
  helperNames: 'trackEvent and trackPageview',
  duplicateEventId: 'evt_php_1Nq2x3y4z5',
  exitFlush: 'deferred events are sent by the shutdown function when the script ends',
});
