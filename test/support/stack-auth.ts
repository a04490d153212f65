import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The Authorization header of a locked-down test home's stack (secrets/stack-password, user lookout). */
export async function stackAuthHeaders(home: string): Promise<Record<string, string>> {
  const password = (await readFile(path.join(home, 'secrets', 'stack-password'), 'utf8')).trim();
  return { Authorization: `Basic ${Buffer.from(`lookout:${password}`).toString('base64')}` };
}

/** GET JSON from a component with the stack credential; throws on a non-2xx answer. */
export async function getJson<T>(url: string, headers: Record<string, string>): Promise<T> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as T;
}
