import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../git/run-git.js';
import { signingArgs } from '../git/signing.js';

/** What a new control repo is made of: the template's config, state and schemas, never the tool. */
const TEMPLATE_PATHS = ['factory.yaml', 'factory-state', 'repos', 'schemas'];

/**
 * The embedded default's control repo: a local git repository with no remote, made from the
 * template on first use. Nothing is ever pushed anywhere, so trying factoryctl out cannot touch
 * the forge the checkout came from.
 */
export async function ensureEmbeddedRepo(template: string, target: string): Promise<{ created: boolean }> {
  if (existsSync(join(target, '.git')) && existsSync(join(target, 'factory.yaml'))) return { created: false };
  mkdirSync(target, { recursive: true });
  for (const path of TEMPLATE_PATHS) {
    if (existsSync(join(template, path))) cpSync(join(template, path), join(target, path), { recursive: true });
  }
  writeFileSync(join(target, '.gitignore'), '.factoryctl/\n');
  await git(target, ['init', '--quiet', '--initial-branch', 'main']);
  await git(target, ['add', '--all']);
  const signing = signingArgs();
  const message = 'factoryctl run: embedded control repo from the template';
  await git(target, [...signing.config, 'commit', ...signing.sign, '--quiet', '-m', message], {
    env: {
      GIT_AUTHOR_NAME: 'factoryctl',
      GIT_AUTHOR_EMAIL: 'factoryctl@localhost',
      GIT_COMMITTER_NAME: 'factoryctl',
      GIT_COMMITTER_EMAIL: 'factoryctl@localhost',
    },
  });
  return { created: true };
}
