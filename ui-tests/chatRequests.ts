/**
 * What the UI tests read of the chat requests the page sends to the model proxy, and the table
 * the data tests load.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

/** A small table the data tests read. */
export const SALES_CSV =
  'region,month,total\nNorth,Jan,120\nWest,Jan,200\nSouth,Jan,90\nNorth,Feb,150\nWest,Feb,210\nSouth,Feb,250\n';

/**
 * The chat requests the page sends to the model proxy from now on, as their JSON bodies.
 */
export function chatRequests(page: IJupyterLabPageFixture): { messages: { role: string; content: unknown }[] }[] {
  const bodies: { messages: { role: string; content: unknown }[] }[] = [];
  page.on('request', request => {
    if (request.method() === 'POST' && request.url().endsWith('/chat/completions')) {
      bodies.push(request.postDataJSON());
    }
  });
  return bodies;
}

/**
 * The text of the last user message of a chat request.
 */
export function lastUserMessage(body: { messages: { role: string; content: unknown }[] } | undefined): string {
  const message = body?.messages.filter(candidate => candidate.role === 'user').at(-1);
  return typeof message?.content === 'string' ? message.content : '';
}
