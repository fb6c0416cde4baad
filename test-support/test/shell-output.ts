// Compares what a command printed with the output a README shows for it: the README's lines must come out
// in that order, `…` standing for any text; blank lines and `:` keep-alive comments of an event stream
// are ignored on both sides.

export interface OutputMatch {
  /** Every line the README shows has come out, in order (perhaps with others between). */
  complete: boolean;
  /** Nothing else came out. */
  exact: boolean;
  /** What is wrong, when not exact. */
  problem: string;
}

const meaningful = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.startsWith(':'));

const pattern = (shown: string) =>
  new RegExp(
    `^${shown
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

export function matchOutput(shown: string, printed: string): OutputMatch {
  const expected = meaningful(shown).map(pattern);
  const actual = meaningful(printed);
  let next = 0;
  for (const line of actual) if (next < expected.length && expected[next]!.test(line)) next++;
  const complete = next === expected.length;
  const exact = actual.length === expected.length && actual.every((line, i) => expected[i]!.test(line));
  const problem = !complete
    ? `the line "${meaningful(shown)[next]}" did not come out`
    : exact
      ? ''
      : `it printed ${actual.length} lines where the README shows ${expected.length}`;
  return { complete, exact, problem };
}
