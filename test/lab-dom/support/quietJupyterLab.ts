// Warnings JupyterLab's own packages print in jsdom on every run, whatever the test does: jsdom
// has no clipboard, and yjs 13.6 warns when @jupyter/ydoc sets up a cell before adding it to the
// notebook's document (as it always does). Any other warning still shows.
const known = [
  'Clipboard API not available',
  'Invalid access: Add Yjs type to a document before reading data.',
  '[yjs#509] Not same Y.Doc'
];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && known.some(message => (args[0] as string).startsWith(message))) {
    return;
  }
  warn(...args);
};
