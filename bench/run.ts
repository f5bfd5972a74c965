// `npm run bench [-- name...]`: runs each benchmark in a child process and prints its figures
// and the ratios the issues ask for. FANOUT_CHATS shortens the real-time fan-out run.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ALL = ['ingest', 'extract', 'search', 'digest', 'fanout'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : ALL;
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const child = fileURLToPath(new URL('./child.ts', import.meta.url));

let failed = false;
for (const name of names) {
  process.stderr.write(`running ${name} …\n`);
  const started = Date.now();
  const line = await new Promise<string>((resolve) => {
    const proc = spawn(process.execPath, [tsx, child, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('close', (code) => resolve(code === 0 ? out.trim().split('\n').pop() ?? '' : JSON.stringify({ bench: name, error: `exited with ${code}` })));
  });
  const result = JSON.parse(line || '{}') as Record<string, unknown>;
  if (result.error || result.pass === false) failed = true;
  console.log(`\n== ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const [key, value] of Object.entries(result)) if (key !== 'bench') console.log(`  ${key.padEnd(34)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
}
process.exitCode = failed ? 1 : 0;
