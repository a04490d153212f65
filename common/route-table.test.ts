import { describe, expect, it } from 'vitest';
import { createRouteTable, UNMATCHED_ROUTE } from './route-table';

const table = createRouteTable([
  { method: 'GET', template: '/items/{id}', handler: 'get-item' },
  { method: 'DELETE', template: '/items/{id}', handler: 'delete-item' },
  { method: 'GET', template: '/items/search', handler: 'search' },
  { method: 'GET', template: '/users/{user}/items/{item}', handler: 'user-item' },
  { method: 'GET', template: '/', handler: 'root' },
]);

describe('route templates', () => {
  it('labels a request with its template and hands over the decoded parameters', () => {
    expect(table.match('GET', '/items/42')).toEqual({ kind: 'found', route: '/items/{id}', handler: 'get-item', params: { id: '42' } });
    expect(table.match('get', '/users/ann/items/a%20b')).toEqual({ kind: 'found', route: '/users/{user}/items/{item}', handler: 'user-item', params: { user: 'ann', item: 'a b' } });
    expect(table.match('GET', '/')).toMatchObject({ kind: 'found', route: '/' });
  });

  it('prefers a literal segment over a parameter, whatever the order of registration', () => {
    expect(table.match('GET', '/items/search')).toMatchObject({ kind: 'found', route: '/items/search', handler: 'search' });
  });

  it('keeps cardinality bounded: a thousand different ids give one route label, unknown paths one more', () => {
    const labels = new Set<string>();
    for (let i = 0; i < 1000; i++) labels.add(table.match('GET', `/items/${i}`).route);
    for (let i = 0; i < 1000; i++) labels.add(table.match('GET', `/scan/${i}/x`).route);
    expect([...labels].sort()).toEqual(['/items/{id}', UNMATCHED_ROUTE]);
  });

  it('answers an unknown method on a known path as 405 with Allow, under the template label', () => {
    expect(table.match('PUT', '/items/7')).toEqual({ kind: 'method-not-allowed', route: '/items/{id}', allow: ['GET', 'DELETE'] });
  });

  it('treats HEAD as GET, empty segments and trailing slashes as different paths', () => {
    expect(table.match('HEAD', '/items/1')).toMatchObject({ kind: 'found', handler: 'get-item' });
    expect(table.match('GET', '/items/')).toEqual({ kind: 'not-found', route: UNMATCHED_ROUTE });
    expect(table.match('GET', '/items/1/')).toEqual({ kind: 'not-found', route: UNMATCHED_ROUTE });
  });

  it('reports a malformed percent-encoding as a bad path, not a crash', () => {
    expect(table.match('GET', '/items/%E0%A4%A')).toMatchObject({ kind: 'bad-path', route: '/items/{id}' });
  });

  it('rejects malformed templates and duplicates, naming them', () => {
    expect(() => createRouteTable([{ method: 'GET', template: 'items', handler: 0 }])).toThrow('must start with /: items');
    expect(() => createRouteTable([{ method: 'GET', template: '/a//b', handler: 0 }])).toThrow('empty segment');
    expect(() => createRouteTable([{ method: 'GET', template: '/a/{1x}', handler: 0 }])).toThrow('bad parameter "{1x}"');
    expect(() => createRouteTable([{ method: 'GET', template: '/a/:id', handler: 0 }])).toThrow('old :param syntax');
    expect(() => createRouteTable([{ method: 'GET', template: '/a/{id}/{id}', handler: 0 }])).toThrow('repeats parameter "id"');
    expect(() => createRouteTable([{ method: 'GET', template: '/a', handler: 0 }, { method: 'get', template: '/a', handler: 1 }])).toThrow('registered twice: GET /a');
  });
});
