import assert from 'node:assert/strict';
import { type ErrorCode, errorRegistry } from '../../packages/server/src/errors.ts';

/** A response as the test helpers return it: status plus parsed JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: test responses are arbitrary JSON
type Refused = { status: number; body: any };

/**
 * Asserts a refusal in the one error shape: the registry's status, the stable code and the
 * registry's sentence, or for BOT_DETECTED (whose sentence says which kind of bot) one of its own
 * when `message` is not given. Returns the `fields` list (empty when there is none).
 */
export function assertRefusal(
  response: Refused,
  code: ErrorCode,
  message?: string,
): Array<{ field: string; reason: string }> {
  const expected = errorRegistry[code];
  assert.equal(response.status, expected.status, `status of ${code}: ${JSON.stringify(response.body)}`);
  assert.equal(typeof response.body, 'object', `a JSON error body for ${code}`);
  assert.equal(response.body.error?.code, code);
  if (message !== undefined) assert.equal(response.body.error.message, message);
  else if (code === 'BOT_DETECTED') assert.match(response.body.error.message, /user_agent|headless browser/);
  else assert.equal(response.body.error.message, expected.message);
  return response.body.error.fields ?? [];
}
