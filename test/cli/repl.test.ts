/**
 * `sluice repl` driven over stdin as a person would type: each line is sent once the REPL has
 * answered the one before (the test waits on its output, never on time).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { BIN, cleanEnv, copyProject, ensureBuilt } from './support.ts';

let project: string;

before(() => {
  ensureBuilt();
  project = copyProject('numbers');
});

/** A REPL child whose output can be awaited: `until(/pattern/)` resolves once stdout matches past `from`. */
function openRepl(cwd: string) {
  const child = spawn(process.execPath, [BIN, 'repl'], {
    cwd,
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let read = 0;
  const waiting: (() => void)[] = [];
  const wake = () => waiting.splice(0).forEach((notify) => notify());
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => (wake(), resolve(code))),
  );
  /** Waits for `pattern` in the output not yet consumed; returns the first group (or the match). */
  const until = async (pattern: RegExp): Promise<string> => {
    for (;;) {
      const match = pattern.exec(stdout.slice(read));
      if (match !== null) {
        read += match.index + match[0].length;
        return match[1] ?? match[0];
      }
      if (child.exitCode !== null)
        throw new Error(`the REPL exited before ${pattern}:\n${stdout}\n${stderr}`);
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  /** Types a line and returns what the REPL printed for it, up to its next prompt. */
  const send = async (line: string): Promise<string> => {
    child.stdin.write(`${line}\n`);
    return (await until(/([\s\S]*?)sluice> /)).trim();
  };
  return { child, until, send, exited, output: () => `${stdout}\n--- stderr\n${stderr}` };
}

test('the project is in scope: catalog with top-level await, pipelines, session, context; .reload picks up edits', async () => {
  const repl = openRepl(project);
  try {
    const banner = await repl.until(/^(sluice repl: .*)$/m);
    assert.match(
      banner,
      /in scope: catalog \(\d+ datasets\), pipelines \(__default__, main, slow, stats, versions\)/,
    );
    await repl.until(/sluice> /);

    assert.equal(await repl.send("JSON.stringify(await catalog.load('numbers'))"), "'[1,2,3,4]'");
    assert.equal(
      await repl.send("Object.keys(pipelines).join(' ')"),
      "'__default__ main slow stats versions'",
    );
    assert.equal(
      await repl.send('pipelines.main.nodes.map((n) => n.name).join(" ")'),
      "'double square shift total describe'",
    );
    assert.equal(await repl.send('context.params.factor'), '2');
    assert.equal(await repl.send('session.env'), "'local'");
    assert.equal(await repl.send("await catalog.load('params:offset')"), '10');

    const parameters = join(project, 'conf', 'base', 'parameters.yml');
    writeFileSync(parameters, readFileSync(parameters, 'utf8').replace('factor: 2', 'factor: 7'));
    assert.match(await repl.send('.reload'), /^reloaded: sluice repl: /);
    assert.equal(await repl.send("await catalog.load('params:factor')"), '7');
    assert.equal(await repl.send('context.params.factor'), '7');

    repl.child.stdin.write('.exit\n');
    assert.equal(await repl.exited, 0, repl.output());
  } finally {
    repl.child.kill();
  }
});
