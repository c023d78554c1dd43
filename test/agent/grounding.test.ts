import { checkGrounding, namedDataFiles, needsCode } from '../../src/agent/grounding';

describe('checkGrounding', () => {
  it('finds a figure that no output shows, and accepts one an output shows rounded', () => {
    const outputs = ['Mean: 7.5\nPopulation Standard Deviation: 3.640054944640259\n'];
    expect(checkGrounding('The mean is 7.5 and the deviation 3.64.', outputs).ungrounded).toEqual([]);
    expect(checkGrounding('The mean is 7.5 and the deviation 2.63.', outputs).ungrounded).toEqual(['2.63']);
    // Rounding to the answer's decimals, either way of the shown value.
    expect(checkGrounding('About 4.', ['3.6']).ungrounded).toEqual([]);
    expect(checkGrounding('It is 3.6.', ['3.649']).ungrounded).toEqual([]);
    expect(checkGrounding('It is 3.7.', ['3.649']).ungrounded).toEqual(['3.7']);
  });

  it('reads thousands separators, percentages and signs', () => {
    expect(checkGrounding('Revenue was 12,345.60 in total.', ['12345.6']).ungrounded).toEqual([]);
    expect(checkGrounding('Revenue fell by 12,345.', ['-12345.0']).ungrounded).toEqual([]);
    expect(checkGrounding('45.3% of rows are missing.', ['0.45312']).ungrounded).toEqual([]);
    expect(checkGrounding('45.3 % of rows are missing.', ['45.3']).ungrounded).toEqual([]);
    expect(checkGrounding('12% of rows are missing.', ['0.5']).ungrounded).toEqual(['12%']);
  });

  it('leaves out small counts, names with digits and code', () => {
    const answer = 'Cell c1 of df2 has 3 columns; see `x = 99.5` and\n```python\nprint(123.4)\n```';
    expect(checkGrounding(answer, []).figures).toEqual([]);
    const markup =
      'See ![chart](http://127.0.0.1:8888/chart.png) and <svg width="10" height="10"></svg> at https://x.org/2024/55';
    expect(checkGrounding(markup, []).figures).toEqual([]);
  });

  it('counts the prompt as evidence', () => {
    expect(checkGrounding('The mean of 30, 50 and 100 is 60.', ['60.0']).ungrounded).toEqual(['30', '50', '100']);
    expect(checkGrounding('The mean of 30, 50 and 100 is 60.', ['Mean of 30, 50, 100?', '60.0']).ungrounded).toEqual(
      []
    );
  });
});

describe('needsCode and namedDataFiles', () => {
  it('takes a named data file or a variable of the kernel as a question about data', () => {
    expect(needsCode('What is the mean price in orders.csv?', [])).toBe(true);
    expect(needsCode('How many rows has df?', ['df', 'notes.txt'])).toBe(true);
    expect(needsCode('What does a left join do?', ['df'])).toBe(false);
    expect(namedDataFiles('Compare "data/a.csv" with b.tsv and a.csv.')).toEqual(['data/a.csv', 'b.tsv', 'a.csv']);
  });
});
