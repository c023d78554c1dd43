#!/usr/bin/env node
// The command line, bundled by `npm run build:cli` into dist/cli.js.
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then(code => process.exit(code));
