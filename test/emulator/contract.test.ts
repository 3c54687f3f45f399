import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForgejoClient } from '../../src/adapters/forge/forgejo.js';
import { createHttpClient } from '../../src/adapters/http/client.js';
import { HttpError } from '../../src/adapters/http/errors.js';
import { createWoodpeckerClient } from '../../src/adapters/ci/woodpecker.js';
import { fakeTiming } from '../support/fake-timing.js';
import {
  assertAllExchangesMatchSpec,
  checkExchanges,
  startEmulator,
  type Emulator,
  type Exchange,
} from '../support/emulator/index.js';

let emu: Emulator;
const http = () => createHttpClient({ timing: fakeTiming(), retries: 1 });
const env = () => ({ FJ: emu.forgejoToken, WP: emu.woodpeckerToken, BAD: 'wrong' });
const raw = (method: string, path: string, body?: unknown, token = emu.forgejoToken) =>
  fetch(`${emu.forgejoUrl}/api/v1${path}`, {
    method,
    headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
  const report = await assertAllExchangesMatchSpec(emu);
  expect(report.checked).toBeGreaterThan(40);
});

describe('Forgejo subset, served and checked against forgejo-swagger.v1.json', () => {
  it('GET /version answers a ServerVersion, with or without a token (what a node probes)', async () => {
    const withToken = await raw('GET', '/version');
    expect(withToken.status).toBe(200);
    expect(await withToken.json()).toEqual({ version: '11.0.15+gitea-1.22.0' });
    const anonymous = await fetch(`${emu.forgejoUrl}/api/v1/version`);
    expect(anonymous.status).toBe(200);
    const report = await checkExchanges(emu.exchanges.filter((e) => e.path === '/api/v1/version'));
    expect(report.problems).toEqual([]);
    expect(report.covered).toContain('forgejo GET /version 200');
  });

  it('labels and branch protections round-trip through the adapter', async () => {
    emu.forgejo.createRepo('acme/app');
    const forge = createForgejoClient({ baseUrl: emu.forgejoUrl, tokenEnv: 'FJ', env: env(), http: http() });
    const bug = await forge.createLabel('acme/app', { name: 'bug', color: 'D73A4A', description: 'broken' });
    expect(bug).toMatchObject({ name: 'bug', color: '#d73a4a', description: 'broken' });
    await forge.editLabel('acme/app', bug.id, {
      name: 'bug',
      color: '#ee0701',
      description: 'really broken',
      exclusive: true,
    });
    await forge.createLabel('acme/app', { name: 'tmp', color: '#000000', description: '' });
    const tmp = (await forge.listLabels('acme/app')).find((l) => l.name === 'tmp');
    await forge.deleteLabel('acme/app', tmp!.id);
    expect(await forge.listLabels('acme/app')).toEqual([
      { id: bug.id, name: 'bug', color: '#ee0701', description: 'really broken', exclusive: true },
    ]);

    const rule = {
      branchName: 'main',
      requiredApprovals: 1,
      statusCheckContexts: ['ci/woodpecker'],
      enableStatusCheck: true,
      pushWhitelistUsernames: ['bot'],
      mergeWhitelistUsernames: [],
      enablePushWhitelist: true,
      enableMergeWhitelist: false,
      requireSignedCommits: true,
      protectedFilePatterns: ['.woodpecker/**'],
      unprotectedFilePatterns: ['factory-state/**', 'STATUS.md'],
    };
    expect(await forge.createBranchProtection('acme/app', rule)).toEqual(rule);
    expect(await forge.editBranchProtection('acme/app', { ...rule, requiredApprovals: 2 })).toEqual({
      ...rule,
      requiredApprovals: 2,
    });
    expect(await forge.listBranchProtections('acme/app')).toEqual([{ ...rule, requiredApprovals: 2 }]);
    await forge.deleteBranchProtection('acme/app', 'main');
    expect(await forge.listBranchProtections('acme/app')).toEqual([]);
  });

  it('PRs, statuses and issues move through their lifecycle over HTTP', async () => {
    emu.forgejo.createRepo('acme/web');
    const forge = createForgejoClient({ baseUrl: emu.forgejoUrl, tokenEnv: 'FJ', env: env(), http: http() });
    const created = (await (
      await raw('POST', '/repos/acme/web/pulls', { head: 'feature', base: 'main', title: 'Add it' })
    ).json()) as { number: number; head: { sha: string } };
    const sha = created.head.sha as string;
    expect(await forge.combinedStatus('acme/web', sha)).toBe('');
    expect(
      (await raw('POST', `/repos/acme/web/statuses/${sha}`, { state: 'pending', context: 'ci/woodpecker' })).status,
    ).toBe(201);
    expect(await forge.combinedStatus('acme/web', sha)).toBe('pending');
    await raw('POST', `/repos/acme/web/statuses/${sha}`, { state: 'success', context: 'ci/woodpecker' });
    await raw('POST', `/repos/acme/web/statuses/${sha}`, { state: 'failure', context: 'lint' });
    expect(await forge.combinedStatus('acme/web', sha)).toBe('failure');
    expect(await forge.listOpenPulls('acme/web')).toMatchObject([
      { number: created.number, state: 'open', merged: false, headSha: sha },
    ]);
    expect((await raw('POST', `/repos/acme/web/pulls/${created.number}/merge`, { Do: 'merge' })).status).toBe(200);
    expect((await raw('POST', `/repos/acme/web/pulls/${created.number}/merge`, { Do: 'merge' })).status).toBe(405);
    expect(await forge.getPull('acme/web', created.number)).toMatchObject({ state: 'closed', merged: true });
    const second = emu.forgejo.createPull('acme/web', { title: 'Abandoned' });
    expect((await raw('PATCH', `/repos/acme/web/pulls/${second}`, { state: 'closed' })).status).toBe(201);
    expect(await forge.listOpenPulls('acme/web')).toEqual([]);
    expect(await forge.getPull('acme/web', 999)).toBeUndefined();

    await raw('POST', '/repos/acme/web/labels', { name: 'backlog', color: '#0075ca' });
    const issue = (await (await raw('POST', '/repos/acme/web/issues', { title: 'Do a thing' })).json()) as {
      number: number;
    };
    expect((await raw('POST', `/repos/acme/web/issues/${issue.number}/labels`, { labels: ['backlog'] })).status).toBe(
      200,
    );
    emu.forgejo.createIssue('acme/web', { title: 'Unlabelled' });
    expect(await forge.listIssues('acme/web', { state: 'open', labels: ['backlog'] })).toMatchObject([
      { number: issue.number, labels: ['backlog'] },
    ]);
    expect((await raw('PATCH', `/repos/acme/web/issues/${issue.number}`, { state: 'closed' })).status).toBe(201);
    expect(await forge.getIssue('acme/web', issue.number)).toMatchObject({ state: 'closed' });
    expect((await raw('PUT', `/repos/acme/web/issues/${issue.number}/labels`, { labels: [] })).status).toBe(200);
    expect(await forge.listIssues('acme/web', { state: 'all' })).toHaveLength(2);
    expect(await forge.getIssue('acme/web', 4242)).toBeUndefined();
    expect((await raw('GET', '/repos/acme/web')).status).toBe(200);
  });

  it('answers a wrong token with 401 and an unknown repository with 404, as Forgejo does', async () => {
    emu.forgejo.createRepo('acme/secret', { token: 'only-this-one' });
    const forge = createForgejoClient({ baseUrl: emu.forgejoUrl, tokenEnv: 'FJ', env: env(), http: http() });
    await expect(forge.listLabels('acme/secret')).rejects.toMatchObject({ status: 401, method: 'GET' });
    await expect(forge.listLabels('acme/nope')).rejects.toMatchObject({ status: 404 });
    const ok = createForgejoClient({
      baseUrl: emu.forgejoUrl,
      tokenEnv: 'T',
      env: { T: 'only-this-one' },
      http: http(),
    });
    expect(await ok.listLabels('acme/secret')).toEqual([]);
  });
});

describe('Woodpecker subset, served and checked against woodpecker-swagger.json', () => {
  it('pipelines move pending -> running -> success and the queue follows', async () => {
    const repo = emu.woodpecker.createRepo('acme/app');
    const ci = createWoodpeckerClient({ baseUrl: emu.woodpeckerUrl, tokenEnv: 'WP', env: env(), http: http() });
    expect(await ci.lookupRepo('acme/app')).toEqual({ id: repo.id, fullName: 'acme/app' });
    expect(await ci.lookupRepo('acme/none')).toBeUndefined();
    const n = emu.woodpecker.createPipeline(repo.id, { commit: 'c0ffee' });
    const other = emu.woodpecker.createPipeline(repo.id);
    expect(await ci.getPipeline(repo.id, n)).toMatchObject({ number: n, status: 'pending', commit: 'c0ffee' });
    expect((await ci.queueInfo()).stats).toMatchObject({ pendingCount: 2, runningCount: 0 });
    emu.woodpecker.setPipelineStatus(repo.id, n, 'running');
    expect(await ci.queueInfo()).toMatchObject({
      stats: { pendingCount: 1, runningCount: 1 },
      running: [{ id: expect.any(String) }],
    });
    emu.woodpecker.setPipelineStatus(repo.id, n, 'success');
    emu.woodpecker.setPipelineStatus(repo.id, other, 'failure');
    const finished = await ci.getPipeline(repo.id, n);
    expect(finished).toMatchObject({
      status: 'success',
      startedAt: expect.any(Number),
      finishedAt: expect.any(Number),
    });
    expect((await ci.listPipelines(repo.id, { perPage: 10 })).map((p) => [p.number, p.status])).toEqual([
      [other, 'failure'],
      [n, 'success'],
    ]);
    expect(await ci.getPipeline(repo.id, 940)).toBeUndefined();
    expect((await ci.queueInfo()).stats).toMatchObject({ pendingCount: 0, runningCount: 0 });
  });

  it('agents: listed, read, and paused then resumed by PATCH, keeping their name; unknown ids answer 404', async () => {
    const small = emu.woodpecker.createAgent('runner-small', { labels: { mem: 'small' } });
    const large = emu.woodpecker.createAgent('runner-large', { labels: { mem: 'large' }, capacity: 4 });
    const ci = createWoodpeckerClient({ baseUrl: emu.woodpeckerUrl, tokenEnv: 'WP', env: env(), http: http() });
    expect((await ci.listAgents()).map((a) => [a.id, a.name, a.noSchedule, a.customLabels])).toEqual([
      [small.id, 'runner-small', false, { mem: 'small' }],
      [large.id, 'runner-large', false, { mem: 'large' }],
    ]);
    expect(await ci.patchAgent(small.id, { name: 'runner-small', noSchedule: true })).toMatchObject({
      id: small.id,
      name: 'runner-small',
      noSchedule: true,
    });
    expect(await ci.getAgent(small.id)).toMatchObject({
      name: 'runner-small',
      noSchedule: true,
      lastContact: expect.any(Number),
    });
    expect((await ci.patchAgent(small.id, { name: 'runner-small', noSchedule: false })).noSchedule).toBe(false);
    expect(await ci.getAgent(999)).toBeUndefined();
    await expect(ci.patchAgent(999, { name: 'x', noSchedule: true })).rejects.toMatchObject({ status: 404 });
  });

  it('PATCH /agents/{id} writes name and no_schedule from the body as Woodpecker does: a body without the name blanks it', async () => {
    const a = emu.woodpecker.createAgent('runner-blank');
    const res = await fetch(`${emu.woodpeckerUrl}/api/agents/${a.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${emu.woodpeckerToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ no_schedule: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: '', no_schedule: true });
  });

  it('refuses a wrong token with 401', async () => {
    const ci = createWoodpeckerClient({ baseUrl: emu.woodpeckerUrl, tokenEnv: 'BAD', env: env(), http: http() });
    await expect(ci.queueInfo()).rejects.toBeInstanceOf(HttpError);
    await expect(ci.queueInfo()).rejects.toMatchObject({ status: 401 });
  });
});

describe('the contract check itself', () => {
  const base: Exchange = {
    api: 'forgejo',
    method: 'GET',
    path: '/api/v1/repos/a/b/labels',
    query: {},
    requestHeaders: { authorization: 'token [REDACTED]' },
    requestBody: undefined,
    status: 200,
    responseContentType: 'application/json',
    responseBody: [],
    startedAt: 0,
  };
  it.each<[string, Partial<Exchange>, RegExp]>([
    [
      'a field the spec does not define',
      { responseBody: [{ id: 1, name: 'x', colour: 'fff' }] },
      /additional properties \(colour\)/,
    ],
    [
      'a nested invented field in a PR (through the circular Repository schema)',
      {
        path: '/api/v1/repos/a/b/pulls/1',
        responseBody: { number: 1, head: { sha: 'x', repo: { id: 1, parent: { id: 2, stars: 3 } } } },
      },
      /additional properties \(stars\)/,
    ],
    ['a field of the wrong type', { responseBody: [{ id: '1', name: 'x' }] }, /must be integer/],
    [
      'a version that is not a string (ServerVersion)',
      { path: '/api/v1/version', responseBody: { version: 11 } },
      /must be string/,
    ],
    ['an unknown query parameter', { query: { per_page: ['5'] } }, /query parameter per_page not in spec/],
    ['a non-integer page', { query: { page: ['two'] } }, /page=two is not integer/],
    ['a path the spec lacks', { path: '/api/v1/repos/a/b/labelz' }, /no such path/],
    ['a method the spec lacks', { method: 'PUT' }, /PUT not allowed/],
    ['a status no server sends', { status: 418 }, /status 418 not declared/],
    ['an error body that is not an APIError', { status: 500, responseBody: { error: 'x' } }, /not an APIError/],
    [
      'a request body field the spec lacks',
      { method: 'POST', requestBody: { name: 'x', color: '#fff', colour: 1 }, status: 201, responseBody: { id: 1 } },
      /request body: .*colour/,
    ],
    [
      'Woodpecker without its required Authorization header',
      { api: 'woodpecker', path: '/api/queue/info', requestHeaders: {}, responseBody: {} },
      /required header Authorization missing/,
    ],
  ])('catches %s', async (_what, change, expected) => {
    const report = await checkExchanges([{ ...base, ...change }]);
    expect(report.problems.join('\n')).toMatch(expected);
  });

  it('accepts a faithful exchange', async () => {
    expect((await checkExchanges([base])).problems).toEqual([]);
  });
});
