#!/usr/bin/env node
// The CLI runs from compiled JS for start-up speed; `npm run build` produces dist/.
import('../dist/cli/main.js').then((m) => m.main(process.argv.slice(2))).then(
  (code) => process.exit(code ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
