import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERDACCIO } from '../../../../scripts/lib/programs.js';
import { freePort } from '../../../../scripts/lib/net.js';

export interface Registry {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Where it keeps what was published. */
  readonly storage: string;
  /** A token of a user it knows, who may publish. */
  readonly token: string;
  /**
   * The npm settings that send every `@reqsign` package (and nothing else) to this registry, with the token, as the
   * lines of an `.npmrc`; and the environment of a maintainer whose user config (`~/.npmrc`, what `npm login` writes)
   * holds them: `npm_config_userconfig` names that file (`npm run` passes it on, unlike other npm_config_ variables).
   */
  readonly npmrc: string;
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts a real Verdaccio on a free loopback port, its storage and users in `dir`, with no uplink: a package it has not
 * been given is not found, never fetched from elsewhere. Registers a user and returns its token.
 */
export async function startVerdaccio(dir: string): Promise<Registry> {
  if (!existsSync(VERDACCIO)) throw new Error(`no Verdaccio at ${VERDACCIO}: npm ci (its postinstall installs tools/runtimes)`);
  const storage = join(dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(storage)}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '@reqsign/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: json, level: warn }',
      'web: { enable: false }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child: ChildProcess = spawn(process.execPath, [VERDACCIO, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let log = '';
  const keep = (c: Buffer): void => {
    log += c.toString();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Up when it answers; a start that takes over a minute is a failure, with its log.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${log}`);
    try {
      const r = await fetch(`${url}-/ping`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`verdaccio did not answer within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // npm adduser, by hand: the registry answers with the new user's token.
  const user = await fetch(`${url}-/user/org.couchdb.user:release-test`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'release-test', password: 'release-test-password', type: 'user', roles: [] }),
  });
  const { token } = (await user.json()) as { token?: string };
  if (!user.ok || typeof token !== 'string') throw new Error(`verdaccio refused the user (${user.status}):\n${log}`);
  const host = url.replace(/^http:/, '');
  const npmrc = `@reqsign:registry=${url}\n${host}:_authToken=${token}\n`;
  const userconfig = join(dir, 'user.npmrc');
  writeFileSync(userconfig, npmrc);
  return {
    url,
    storage,
    token,
    npmrc,
    env: { npm_config_userconfig: userconfig },
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
