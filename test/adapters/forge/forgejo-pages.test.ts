import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForgejoClient } from '../../../src/adapters/forge/forgejo.js';
import { createHttpClient } from '../../../src/adapters/http/client.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../../support/emulator/index.js';
import { fakeTiming } from '../../support/fake-timing.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
  emu.forgejo.createRepo('acme/many');
  for (let i = 0; i < 120; i++) emu.forgejo.createLabel('acme/many', { name: `l${i}`, color: '00aabb' });
  emu.forgejo.createRepo('acme/few');
  for (let i = 0; i < 3; i++) emu.forgejo.createLabel('acme/few', { name: `f${i}`, color: '00aabb' });
});
afterAll(async () => {
  await emu.close();
  await assertAllExchangesMatchSpec(emu);
});

const client = (maxPages?: number) => {
  const http = createHttpClient({ timing: fakeTiming() });
  const forge = createForgejoClient({
    baseUrl: emu.forgejoUrl,
    tokenEnv: 'FORGE_TOKEN',
    env: { FORGE_TOKEN: emu.forgejoToken },
    http,
    ...(maxPages !== undefined ? { maxPages } : {}),
  });
  return { forge, http };
};

describe('Forgejo listings that the server pages wrongly', () => {
  it('a server that ignores page and sends no X-Total-Count: stops at the repeat, each label once, in doubt', async () => {
    emu.forgejo.pagination.mode = 'ignores-page';
    try {
      const { forge, http } = client();
      const labels = await forge.listLabels('acme/many');
      expect(labels).toHaveLength(50);
      expect(new Set(labels.map((l) => l.id)).size).toBe(50);
      expect(labels.doubt).toMatch(/page 2 repeated earlier items/);
      expect(http.stats().reads).toBe(2);
      // a listing that fits one page is whole even there
      expect((await forge.listLabels('acme/few')).doubt).toBeUndefined();
    } finally {
      emu.forgejo.pagination.mode = 'forgejo';
    }
  });

  it('the page limit reached leaves the listing in doubt; a whole listing has none', async () => {
    const short = await client(2).forge.listLabels('acme/many');
    expect(short).toHaveLength(100);
    expect(short.doubt).toBe('stopped at the page limit (2 pages of 50)');
    const whole = await client().forge.listLabels('acme/many');
    expect(whole).toHaveLength(120);
    expect(whole.doubt).toBeUndefined();
  });
});
