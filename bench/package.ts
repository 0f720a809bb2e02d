/**
 * The package as a team installs it, for the bench: `npm pack` (which builds dist/ first), the
 * tarball unpacked into a fresh project's node_modules, its dependencies this repo's own (the bench
 * sends nothing to the registry). Run there, `npx scim-conformance` loads our compiled JavaScript
 * natively, as it loads any dependency: no TypeScript is transformed.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InstalledPackage {
  /** The user's project: the working folder of a run. */
  project: string;
  /** node_modules/scim-conformance/bin/scim-conformance.js in it. */
  bin: string;
  remove(): Promise<void>;
}

export async function installPackage(root: string): Promise<InstalledPackage> {
  const project = await mkdtemp(join(tmpdir(), 'scimc-bench-package-'));
  execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = (await readdir(project)).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  execFileSync('tar', ['-xzf', tarball], { cwd: project });
  const installed = join(project, 'node_modules', 'scim-conformance');
  await mkdir(join(project, 'node_modules'));
  await rename(join(project, 'package'), installed);
  await symlink(join(root, 'node_modules'), join(installed, 'node_modules'), 'dir');
  return { project, bin: join(installed, 'bin', 'scim-conformance.js'), remove: () => rm(project, { recursive: true, force: true }) };
}
