import type { ApprovalDecision, IApprovalRequest } from '../../src/agent/approval';
import type { IRisk } from '../../src/agent/riskyCode';
import { createApprovalHook } from '../../src/lab/approvalPolicy';
import type { ApprovalPolicy } from '../../src/lab/settings';

describe('createApprovalHook', () => {
  const safe: IApprovalRequest = { cellId: 'a', code: 'print(1)', kind: 'new' };
  const risky: IApprovalRequest = { cellId: 'b', code: '%pip install rich', kind: 'revision' };

  function setUp(policy: ApprovalPolicy) {
    const asked: { request: IApprovalRequest; risks: IRisk[] }[] = [];
    let current = policy;
    const hook = createApprovalHook(
      () => current,
      async (request, risks) => {
        asked.push({ request, risks });
        return { action: 'skip', reason: 'asked' } as ApprovalDecision;
      }
    );
    return { hook, asked, setPolicy: (next: ApprovalPolicy) => (current = next) };
  }

  it('never asks with `never`', async () => {
    const { hook, asked } = setUp('never');
    await expect(hook(risky, new AbortController().signal)).resolves.toEqual({ action: 'run' });
    expect(asked).toHaveLength(0);
  });

  it('asks for everything with `always`', async () => {
    const { hook, asked } = setUp('always');
    await expect(hook(safe, new AbortController().signal)).resolves.toEqual({ action: 'skip', reason: 'asked' });
    expect(asked.map(a => a.request.cellId)).toEqual(['a']);
    expect(asked[0].risks).toEqual([]);
  });

  it('asks only for risky code with `risky`, passing the risks found', async () => {
    const { hook, asked } = setUp('risky');
    await expect(hook(safe, new AbortController().signal)).resolves.toEqual({ action: 'run' });
    await expect(hook(risky, new AbortController().signal)).resolves.toEqual({ action: 'skip', reason: 'asked' });
    expect(asked).toHaveLength(1);
    expect(asked[0].risks.map(r => r.kind)).toContain('install');
  });

  it('always asks for the review of a revision of the person’s cell, whatever the policy', async () => {
    const { hook, asked } = setUp('never');
    const review: IApprovalRequest = {
      ...safe,
      kind: 'revision',
      review: { previousCode: 'print(0)', proposedCode: 'print(1)' }
    };
    await expect(hook(review, new AbortController().signal)).resolves.toEqual({ action: 'skip', reason: 'asked' });
    expect(asked.map(a => a.request.review)).toEqual([{ previousCode: 'print(0)', proposedCode: 'print(1)' }]);
  });

  it('reads the policy at each execution', async () => {
    const { hook, asked, setPolicy } = setUp('never');
    await hook(safe, new AbortController().signal);
    setPolicy('always');
    await hook(safe, new AbortController().signal);
    expect(asked).toHaveLength(1);
  });

  it('lets `risky` read a file of the kernel’s folder by its absolute path', async () => {
    const { hook, asked } = setUp('risky');
    const code = "import pandas as pd\nprint(pd.read_csv('/home/me/work/sales.csv').shape)";
    const request: IApprovalRequest = { cellId: 'c', code, kind: 'new', folder: '/home/me/work' };
    await expect(hook(request, new AbortController().signal)).resolves.toEqual({ action: 'run' });
    await expect(hook({ ...request, folder: undefined }, new AbortController().signal)).resolves.toEqual({
      action: 'skip',
      reason: 'asked'
    });
    expect(asked.map(entry => entry.risks.map(risk => risk.kind))).toEqual([['outside-read']]);
  });
});
