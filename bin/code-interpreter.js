#!/usr/bin/env node
// The command line, bundled by `npm run build:cli` into dist/cli.js. The bundle's own
// `require.main === module` is false when it is required from here, so the entry is called by name.
require('../dist/cli.js').runAsProgram();
