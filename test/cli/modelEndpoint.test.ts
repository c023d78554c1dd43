import { chooseModel, openModel } from '../../src/cli/modelEndpoint';
import { ScriptedModelServer } from '../support/scriptedModelServer';

/**
 * The model's context window for a named endpoint: what the endpoint says wins, and
 * `--context-size` covers an endpoint that says nothing (Ollama).
 */
describe('openModel with an endpoint', () => {
  const servers: ScriptedModelServer[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.stop()));
  });

  const open = async (declared: number | undefined, option: string | undefined) => {
    const server = await ScriptedModelServer.start({ script: [], contextWindow: declared });
    servers.push(server);
    const choice = chooseModel(
      { 'base-url': server.baseUrl, model: 'm', ...(option ? { 'context-size': option } : {}) },
      {}
    );
    const model = await openModel(choice);
    await model.close();
    return model.contextWindow;
  };

  it("takes the window the endpoint declares, over the option's", async () => {
    expect(await open(2048, '4096')).toBe(2048);
  });

  it('takes the option where the endpoint says nothing, and none without it', async () => {
    expect(await open(undefined, '4096')).toBe(4096);
    expect(await open(undefined, undefined)).toBeUndefined();
  });
});
