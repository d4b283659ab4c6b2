// Function-style harness for TypeScript: JSON arguments on stdin, the JSON result on stdout.
//
// Compiled together with the learner's main.ts (the language's tsc argv, CommonJS
// into `--outDir .`, with harness.ts added), then run as `node harness.js <function>`. main.ts has no imports or exports, so it
// compiles to a plain script (main.js) that is evaluated in this context; an
// `export function` works too (found on exports). The learner's console.log goes
// to stderr: stdout carries only the result. Plain TS: no @types/node needed.
export {};

// @ts-ignore -- node's require; the box may not have @types/node installed.
const nodeRequire: (id: string) => any = require;
const fs = nodeRequire('fs');
const path = nodeRequire('path');
const vm = nodeRequire('vm');
const proc = nodeRequire('process');
// @ts-ignore -- node's __dirname, as above.
const here: string = __dirname;

function main(): number {
  const name: string = proc.argv[2] || '';
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    proc.stderr.write('harness: bad function name\n');
    return 1;
  }
  const args: unknown[] = JSON.parse(fs.readFileSync(0, 'utf8'));
  const source: string = fs.readFileSync(path.join(here, 'main.js'), 'utf8');
  const g = globalThis as any;
  const learnerModule: { exports: Record<string, unknown> } = { exports: {} };
  g.require = nodeRequire;
  g.module = learnerModule;
  g.exports = learnerModule.exports;

  const stdoutWrite = proc.stdout.write.bind(proc.stdout);
  const log = console.log;
  proc.stdout.write = proc.stderr.write.bind(proc.stderr);
  console.log = console.error;
  let result: unknown;
  try {
    vm.runInThisContext(source, { filename: 'main.js' });
    const fn =
      vm.runInThisContext(
        `(typeof ${name} === 'function') ? ${name}` +
          ` : (typeof Solution === 'function' && typeof Solution.prototype.${name} === 'function')` +
          ` ? ((s) => s.${name}.bind(s))(new Solution()) : undefined`,
      ) ||
      learnerModule.exports[name] ||
      g.exports[name];
    if (typeof fn !== 'function') {
      proc.stderr.write(`harness: no function named ${name} in main.ts\n`);
      return 1;
    }
    result = fn(...args);
  } finally {
    proc.stdout.write = stdoutWrite;
    console.log = log;
  }
  const text = JSON.stringify(result === undefined ? null : result);
  proc.stdout.write(text + '\n');
  return 0;
}

proc.exitCode = main();
