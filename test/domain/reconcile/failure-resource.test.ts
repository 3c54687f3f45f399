import { describe, expect, it } from 'vitest';
import { describeFailure, resourceOf } from '../../../src/domain/reconcile/failure.js';

const at = (url: string) => ({ status: 404, url, message: `GET ${url} HTTP 404` });

describe('a failure names the resource that failed', () => {
  it.each([
    ['https://f.example/api/v1/repos/o/n', 'repository o/n'],
    ['https://f.example/api/v1/repos/o/n/labels?page=2&limit=50', 'labels of o/n'],
    ['https://f.example/api/v1/repos/o/n/branch_protections/main', 'branch protections/main of o/n'],
    ['https://f.example/api/v1/version', 'resource'],
  ])('%s -> %s', (url, expected) => {
    expect(resourceOf(at(url))).toBe(expected);
  });

  it('a 404 on labels does not say the repository is missing', () => {
    const f = describeFailure(at('https://f.example/api/v1/repos/o/n/labels'), 'TOK');
    expect(f.message).toMatch(/^labels of o\/n not found, or not visible with \$TOK/);
  });
});
