// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * The model's context window in tokens, where the endpoint says: llama.cpp's `/props` (beside
 * `/v1`; the JupyterLab proxy answers there too, as `context_window`), or vLLM's `max_model_len`
 * in `/v1/models`. Ollama reports only the trained length, not the runtime `num_ctx`, so it is
 * not taken: set the window by hand there.
 *
 * @param endpoint - the endpoint's base URL, key, model and the fetch to use.
 * @param signal - stops the look-up.
 * @returns the window, or `undefined` when the endpoint does not say.
 */
export async function lookUpContextWindow(
  endpoint: IContextWindowEndpoint,
  signal?: AbortSignal
): Promise<number | undefined> {
  const base = endpoint.baseURL.replace(/\/+$/, '');
  const headers = { Authorization: `Bearer ${endpoint.apiKey || 'no-key'}` };
  const read = async (url: string): Promise<unknown> => {
    try {
      const response = await (endpoint.fetch ?? fetch)(url, { headers, signal });
      return response.ok ? await response.json() : undefined;
    } catch {
      return undefined;
    }
  };
  const props = (await read(`${base.replace(/\/v1$/, '')}/props`)) as Private.IProps | undefined;
  const fromProps = props?.context_window ?? props?.default_generation_settings?.n_ctx ?? props?.n_ctx;
  if (typeof fromProps === 'number' && fromProps > 0) {
    return fromProps;
  }
  const models = (await read(`${base}/models`)) as { data?: { id?: string; max_model_len?: number }[] } | undefined;
  const entry = models?.data?.find(model => model.id === endpoint.model) ?? models?.data?.[0];
  return typeof entry?.max_model_len === 'number' && entry.max_model_len > 0 ? entry.max_model_len : undefined;
}

/**
 * The endpoint whose context window is looked up.
 */
export interface IContextWindowEndpoint {
  /**
   * The endpoint's base URL, such as `http://127.0.0.1:8080/v1`.
   */
  readonly baseURL: string;

  /**
   * The API key; may be empty for local servers.
   */
  readonly apiKey: string;

  /**
   * The model whose entry of `/v1/models` is read.
   */
  readonly model: string;

  /**
   * The fetch to use; the global one when not given.
   */
  readonly fetch?: typeof fetch;
}

namespace Private {
  /**
   * What `/props` says of the context: llama.cpp's shape, or the JupyterLab proxy's.
   */
  export interface IProps {
    context_window?: number | null;
    n_ctx?: number;
    default_generation_settings?: { n_ctx?: number };
  }
}
