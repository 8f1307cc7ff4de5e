import assert from 'node:assert/strict';
import { ApiKeyService } from '../packages/server/src/auth/key-service.ts';
import type { ApiPermission } from '../packages/server/src/store/types.ts';
import { readTestResponse, type TestResponse, type TestServer } from './support/test-server.ts';

export const apiBase = '/api/external/v1';

/** Creates a key through the real service and store; returns the full key. */
export async function createKey(
  server: TestServer,
  options: { siteId?: string; permissions?: ApiPermission[]; name?: string } = {},
): Promise<string> {
  const keys = new ApiKeyService(server.runtime.metadata, server.clock);
  return (await keys.create(options)).key;
}

export async function apiRequest(
  server: TestServer,
  method: 'GET' | 'POST',
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['x-api-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return readTestResponse(response);
}

export const apiGet = (server: TestServer, path: string, key?: string, headers?: Record<string, string>) =>
  apiRequest(server, 'GET', `${apiBase}${path}`, { key, headers });

/** Asserts the REST API's error envelope with this code, and an x-request-id. */
export function assertApiError(response: TestResponse, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.success, false);
  assert.equal(response.body.error.code, code);
  assert.equal(typeof response.body.error.message, 'string');
  assert.ok(response.body.error.message.length > 10);
  assert.ok(response.headers.get('x-request-id'), 'x-request-id on every response');
}

/** Asserts the REST API's success envelope; returns `data`. */
// biome-ignore lint/suspicious/noExplicitAny: response data is arbitrary JSON
export function assertApiOk(response: TestResponse): any {
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.success, true);
  assert.ok(!Number.isNaN(Date.parse(response.body.timestamp)), 'timestamp is a date');
  assert.ok(response.headers.get('x-request-id'), 'x-request-id on every response');
  return response.body.data;
}
