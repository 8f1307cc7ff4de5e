import { apiBase } from '../api-helpers.ts';
import { readTestResponse, type TestResponse, type TestServer } from './test-server.ts';

// The REST API tests of goals and funnels call every route the same way: a method, a path under
// the API base, a key, and maybe a JSON body. The server is only started in `before`, hence the
// function that gives it.

/** `call(method, path, key, body?)`: a request to `${apiBase}${path}` on the server `server()` gives. */
export function restApiCaller(server: () => TestServer) {
  return async (method: string, path: string, key: string, body?: unknown): Promise<TestResponse> => {
    const response = await fetch(`${server().url}${apiBase}${path}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return readTestResponse(response);
  };
}
