/**
 * The tests' HTTP client: one request, its body read whole as text. Sockets are kept alive
 * and pooled (a load of thousands of requests would otherwise open thousands of
 * connections); idle pooled sockets do not hold the test process open.
 */
import { type IncomingHttpHeaders, Agent, request } from 'node:http';

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

const keepAliveAgent = new Agent({ keepAlive: true, maxSockets: 16 });

/** Any method; the URL's host picks the address family (`http://[::1]:…` connects over IPv6). */
export function call(url: string, { method = 'GET', headers = {}, body }: CallOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: keepAliveAgent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.end(body);
  });
}

export const get = (url: string, headers: Record<string, string> = {}): Promise<Response> => call(url, { headers });

/** `body` as given when it is text or bytes; anything else as JSON, with its content-type. */
export function post(url: string, body: unknown = '', headers: Record<string, string> = {}): Promise<Response> {
  if (typeof body === 'string' || body instanceof Uint8Array) return call(url, { method: 'POST', body, headers });
  return call(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

/** Sends `count` requests, `concurrency` at a time; returns the responses in order. */
export async function load(count: number, concurrency: number, makeRequest: (index: number) => Promise<Response>): Promise<Response[]> {
  const responses: Response[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      responses[index] = await makeRequest(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return responses;
}
