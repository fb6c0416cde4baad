/**
 * A tiny regular-language matcher that runs in time linear in the input (Thompson's construction,
 * simulated with state sets), for selectors whose JavaScript RegExp form could backtrack for minutes on a
 * crafted topic (ReDoS). It supports exactly what URI templates need: literals, character classes,
 * sequence, alternation, `*` and `?`.
 */

export type Pattern =
  | { readonly op: 'literal'; readonly text: string }
  | { readonly op: 'class'; readonly test: (char: string) => boolean }
  | { readonly op: 'seq'; readonly items: readonly Pattern[] }
  | { readonly op: 'alt'; readonly items: readonly Pattern[] }
  | { readonly op: 'star'; readonly item: Pattern }
  | { readonly op: 'optional'; readonly item: Pattern };

interface State {
  /** A character state consumes one character passing `test`; a split state (no test) has two exits. */
  test?: (char: string) => boolean;
  out: number;
  out2: number;
}

const MATCH = -1;
const NONE = -2;

/** A compiled matcher: `test(input)` is true when the whole input is in the language. */
export interface Nfa {
  test(input: string): boolean;
  /** Number of states (bounds the work per input character). */
  readonly size: number;
}

export function compileNfa(pattern: Pattern): Nfa {
  const states: State[] = [];
  const add = (state: State): number => states.push(state) - 1;

  // Compiles `node` so that it continues at `next`; returns its start state.
  function build(node: Pattern, next: number): number {
    switch (node.op) {
      case 'literal': {
        let start = next;
        const chars = [...node.text];
        for (let i = chars.length - 1; i >= 0; i--) {
          const expected = chars[i];
          start = add({ test: (char) => char === expected, out: start, out2: NONE });
        }
        return start;
      }
      case 'class':
        return add({ test: node.test, out: next, out2: NONE });
      case 'seq': {
        let start = next;
        for (let i = node.items.length - 1; i >= 0; i--) start = build(node.items[i]!, start);
        return start;
      }
      case 'alt': {
        if (node.items.length === 0) return next;
        let start = build(node.items[node.items.length - 1]!, next);
        for (let i = node.items.length - 2; i >= 0; i--) start = add({ out: build(node.items[i]!, next), out2: start });
        return start;
      }
      case 'optional':
        return add({ out: build(node.item, next), out2: next });
      case 'star': {
        const loop = add({ out: NONE, out2: next });
        states[loop]!.out = build(node.item, loop);
        return loop;
      }
    }
  }

  const start = build(pattern, MATCH);
  const mark = new Uint32Array(states.length);
  let generation = 0;

  // Adds `index` and every state reachable from it without consuming input; true when MATCH is reachable.
  function closure(index: number, into: number[]): boolean {
    if (index === MATCH) return true;
    if (index === NONE || mark[index] === generation) return false;
    mark[index] = generation;
    const state = states[index]!;
    if (state.test) {
      into.push(index);
      return false;
    }
    const a = closure(state.out, into);
    const b = closure(state.out2, into);
    return a || b;
  }

  return {
    size: states.length,
    test(input: string): boolean {
      let current: number[] = [];
      generation++;
      let matched = closure(start, current);
      for (const char of input) {
        const next: number[] = [];
        generation++;
        matched = false;
        for (const index of current) {
          const state = states[index]!;
          if (state.test!(char) && closure(state.out, next)) matched = true;
        }
        current = next;
      }
      return matched;
    },
  };
}
