// `node --import ./test/support/express4-hooks.mjs ...`: every `import 'express'` of the process
// loads Express 4 (the `express4` alias, express 4.21.2) instead, so that cpr-meter's own code
// runs on the oldest Express it supports. Says so once on stderr, so that a test can tell.
import { register } from 'node:module';

const hooks = `
let told = false;
export async function resolve(specifier, context, next) {
  if (specifier !== 'express') return next(specifier, context);
  if (!told) { told = true; process.stderr.write('express -> express4\\n'); }
  return next('express4', context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url);
