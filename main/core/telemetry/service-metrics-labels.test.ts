import { describe, expect, it } from 'vitest';
import { methodLabel } from './service-metrics';

describe('method label', () => {
  it('keeps the HTTP methods and folds anything else into OTHER', () => {
    expect(['get', 'POST', 'delete', 'PATCH', 'OPTIONS', 'HEAD', 'PUT'].map(methodLabel)).toEqual(['GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PUT']);
    expect(['PROPFIND', 'BREW', '', undefined].map(methodLabel)).toEqual(['OTHER', 'OTHER', 'OTHER', 'OTHER']);
  });
});
