// Function-style harness for JavaScript: JSON arguments on stdin, the JSON result on stdout.
//
// Run as `node harness.js <function>` next to the learner's main.js. main.js is
// evaluated as a script in this context, so a plain top-level `function name`
// (or const, or module.exports.name, or a `class Solution` method) is found.
// The learner's own console.log goes to stderr: stdout carries only the result.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

function main() {
  const name = process.argv[2];
  if (!/^[A-Za-z_$][\w$]*$/.test(name || '')) {
    process.stderr.write('harness: bad function name\n');
    return 1;
  }
  const args = JSON.parse(fs.readFileSync(0, 'utf8'));
  const source = fs.readFileSync(path.join(__dirname, 'main.js'), 'utf8');
  const learnerModule = { exports: {} };
  globalThis.require = require;
  globalThis.module = learnerModule;
  globalThis.exports = learnerModule.exports;

  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const log = console.log;
  process.stdout.write = process.stderr.write.bind(process.stderr);
  console.log = console.error;
  let result;
  try {
    vm.runInThisContext(source, { filename: 'main.js' });
    const fn = vm.runInThisContext(
      `(typeof ${name} === 'function') ? ${name}` +
        ` : (typeof Solution === 'function' && typeof Solution.prototype.${name} === 'function')` +
        ` ? ((s) => s.${name}.bind(s))(new Solution()) : undefined`,
    ) || learnerModule.exports[name] || globalThis.exports[name];
    if (typeof fn !== 'function') {
      process.stderr.write(`harness: no function named ${name} in main.js\n`);
      return 1;
    }
    result = fn(...args);
  } finally {
    process.stdout.write = stdoutWrite;
    console.log = log;
  }
  const text = JSON.stringify(result === undefined ? null : result);
  process.stdout.write(text + '\n');
  return 0;
}

process.exitCode = main();
