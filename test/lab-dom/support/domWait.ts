/**
 * Waiting on the sidebar's DOM. Its widgets render with React, which commits after the update
 * that asked for it (on a later tick): a test waits for what it expects to show, checked again on
 * every change of the DOM under a node, never for a time.
 */

/**
 * Wait until a condition on the DOM under `node` holds: it is checked now and again on every
 * change under `node`, and the wait fails with `what` if it still does not hold after 10 s.
 *
 * @param node - the element under which the changes happen.
 * @param condition - what must hold.
 * @param what - says what was awaited, for the failure.
 */
export function until(node: HTMLElement, condition: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (condition()) {
      resolve();
      return;
    }
    const observer = new MutationObserver(() => {
      if (condition()) {
        observer.disconnect();
        clearTimeout(deadline);
        resolve();
      }
    });
    observer.observe(node, { subtree: true, childList: true, characterData: true, attributes: true });
    const deadline = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`Still not so: ${what}`));
    }, 10000);
  });
}

/**
 * Wait for an element under `root`, optionally one that satisfies a condition.
 *
 * @param root - where to look.
 * @param selector - the element's selector.
 * @param accept - what the element must satisfy (its state, its text), when given.
 * @returns the first matching element that satisfies it.
 */
export async function found<T extends Element = HTMLElement>(
  root: HTMLElement,
  selector: string,
  accept: (element: T) => boolean = () => true
): Promise<T> {
  const pick = (): T | undefined => Array.from(root.querySelectorAll<T>(selector)).find(accept);
  await until(root, () => pick() !== undefined, `an element ${selector} in the sidebar`);
  return pick()!;
}
