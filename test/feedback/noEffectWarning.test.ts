import type { IExecutionResult } from '../../src/kernel/executionResult';
import { noEffectWarningNote } from '../../src/feedback/noEffectWarning';

/**
 * A cell's result whose stderr holds pandas' warning for each line number given, in Python's
 * warning format (the form a kernel prints): the location, then the line quoted.
 */
function warned(lines: number[], source: string, quoted?: string): IExecutionResult {
  const sourceLines = source.split('\n');
  const text = lines
    .map(
      line =>
        `/tmp/ipykernel_1/123.py:${line}: ChainedAssignmentError: A value is being set on a copy of a DataFrame or Series through chained assignment.\n` +
        `  ${quoted ?? sourceLines[line - 1]?.trim() ?? ''}\n`
    )
    .join('');
  return {
    status: 'ok',
    executionCount: 1,
    outputs: [{ output_type: 'stream', name: 'stderr', text }],
    durationMs: 5,
    outputDroppedByServer: false,
    stdinRequested: false,
    kernelUnresponsive: false
  };
}

describe('noEffectWarningNote', () => {
  it.each([
    [
      "df['Embarked'].fillna(df['Embarked'].mode()[0], inplace=True)",
      "df['Embarked'] = df['Embarked'].fillna(df['Embarked'].mode()[0])"
    ],
    ['df.Age.fillna(df.Age.median(), inplace = True)', 'df.Age = df.Age.fillna(df.Age.median())'],
    ["df['a'].fillna(inplace=True, value=0)", "df['a'] = df['a'].fillna(value=0)"],
    ["df['a'].drop_duplicates(inplace=True)", "df['a'] = df['a'].drop_duplicates()"],
    ["df['t'][df['t'] == 0] = 5", "df.loc[df['t'] == 0, 't'] = 5"]
  ])('gives the line the warning names assigned: %s', (line, rewritten) => {
    const source = `import pandas as pd\n${line}\nprint(df)`;
    const note = noEffectWarningNote(warned([2], source), source);
    expect(note).toContain(`Write line 2, \`${line}\`, as \`${rewritten}\`.`);
  });

  it('keeps the indentation out of the quote and names each line once', () => {
    const source = "for col in ['a', 'b']:\n    df[col].fillna(0, inplace=True)\ndf['c'][df['c'] < 0] = 0";
    const note = noEffectWarningNote(warned([2, 2, 3], source), source);
    expect(note).toContain(
      "Write line 2, `df[col].fillna(0, inplace=True)`, as `df[col] = df[col].fillna(0)`; and line 3, `df['c'][df['c'] < 0] = 0`, as `df.loc[df['c'] < 0, 'c'] = 0`."
    );
  });

  it('gives the rule alone when the line is not one of the two forms, or is unknown', () => {
    const plain = noEffectWarningNote(warned([1], "df['a'].plot()"), "df['a'].plot()");
    expect(plain).toContain('Assign the result to the column instead');
    expect(plain).not.toContain('Write line');
    const fill = "df['a'].fillna(0, inplace=True)";
    expect(noEffectWarningNote(warned([9], fill), fill)).not.toContain('Write line');
    // Line 1 of another file (a function an earlier cell defined): the quoted line is not this cell's.
    expect(noEffectWarningNote(warned([1], fill, "frame['b'].fillna(0, inplace=True)"), fill)).not.toContain(
      'Write line'
    );
  });

  it('says nothing without the warning', () => {
    const quiet = warned([], '');
    expect(noEffectWarningNote(quiet, "df['a'].fillna(0, inplace=True)")).toBeUndefined();
  });
});
