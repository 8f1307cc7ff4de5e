import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClickHouseVersion, versionChoices } from './server-version.ts';

test('version() as 18.16 and current releases print it', () => {
  assert.deepEqual(parseClickHouseVersion('18.16.1'), { text: '18.16.1', major: 18, minor: 16 });
  assert.deepEqual(parseClickHouseVersion('26.7.2.1\n'), { text: '26.7.2.1', major: 26, minor: 7 });
  assert.throws(() => parseClickHouseVersion(''), /not a ClickHouse version/);
});

test('a Distributed insert waits for every shard under the name each release knows', () => {
  const choose = (text: string) => versionChoices(parseClickHouseVersion(text)).syncDistributedInsert;
  assert.deepEqual(choose('18.16.1'), { insert_distributed_sync: '1' });
  assert.deepEqual(choose('23.8.1.1'), { insert_distributed_sync: '1' });
  assert.deepEqual(choose('24.3.1.1'), { distributed_foreground_insert: '1' });
  assert.deepEqual(choose('26.7.2.1'), { distributed_foreground_insert: '1' });
});
