/**
 * Matching strings against RFC 6570 URI Templates, as Mercure 0.x topic selectors need
 * (`https://example.com/books/{id}` matches `https://example.com/books/1`). A string matches when some
 * variable values could expand to it. The template compiles to a linear-time automaton (nfa.ts), not to
 * a JavaScript RegExp: adjacent expressions such as `{.a}{.b}{.c}` would make a backtracking RegExp take
 * polynomial time in the topic's length (ReDoS).
 *
 * Supported: literals and expressions of levels 1 to 4 with every operator (none, `+`, `#`, `.`, `/`,
 * `;`, `?`, `&`), variable lists, and the `*` (explode) and `:N` (prefix) modifiers. Matching is a little
 * looser than expansion in three documented ways: a prefix modifier does not cap the value's length;
 * `?`, `&` and `;` expressions accept their named variables in any order and number; and expanded
 * values may contain any non-ASCII character (topics are often IRIs).
 */
import { SelectorError } from '../errors.js';
import { MAX_SELECTOR_GROUPS } from '../limits.js';
import { compileNfa, type Pattern } from './nfa.js';

// [spec] RFC 6570 1.5: reserved = gen-delims / sub-delims.
const RESERVED = ":/?#[]@!$&'()*+,;=";
const VARNAME = /^(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*$/;
const MODIFIER = /^(.*?)(?:\*|:([1-9][0-9]{0,3}))?$/;
const OPERATORS = new Set(['+', '#', '.', '/', ';', '?', '&']);
const RESERVED_OPERATORS = new Set(['=', ',', '!', '@', '|']);

/**
 * [spec] RFC 6570 1.5: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~", plus "%" for pct-encoded
 * triplets, plus non-ASCII characters (IRIs, RFC 3987), plus the `extra` characters.
 */
function charClass(extra: string): Pattern {
  return {
    op: 'class',
    test: (char) => {
      const code = char.codePointAt(0)!;
      if (code >= 0xa0) return true;
      if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a))
        return true;
      return '-._~%'.includes(char) || extra.includes(char);
    },
  };
}

const VALUE: Pattern = { op: 'star', item: charClass(',') };
const RESERVED_VALUE: Pattern = { op: 'star', item: charClass(RESERVED) };
const NAME: Pattern = { op: 'seq', items: [charClass(''), { op: 'star', item: charClass('') }] };
const lit = (text: string): Pattern => ({ op: 'literal', text });
const seq = (...items: Pattern[]): Pattern => ({ op: 'seq', items });
const star = (item: Pattern): Pattern => ({ op: 'star', item });
const optional = (item: Pattern): Pattern => ({ op: 'optional', item });

/** The variable names of an expression's varlist, or null when one is invalid. */
function varNames(varlist: string): string[] | null {
  const names: string[] = [];
  for (const spec of varlist.split(',')) {
    const name = MODIFIER.exec(spec)?.[1] ?? '';
    if (!VARNAME.test(name)) return null;
    names.push(name);
  }
  return names;
}

function expressionPattern(body: string): Pattern | null {
  const first = body[0] ?? '';
  if (RESERVED_OPERATORS.has(first)) return null; // [spec] RFC 6570 2.2: reserved for future extensions
  const operator = OPERATORS.has(first) ? first : '';
  const names = varNames(operator ? body.slice(1) : body);
  if (names === null) return null;
  switch (operator) {
    case '': // {var}: values joined by ","
      return VALUE;
    case '+': // {+var}: reserved characters pass through
      return RESERVED_VALUE;
    case '#':
      return optional(seq(lit('#'), RESERVED_VALUE));
    case '.':
      return star(seq(lit('.'), VALUE));
    case '/':
      return star(seq(lit('/'), VALUE));
    default: {
      // ";", "?", "&": name=value pairs. An exploded variable names its own keys, so any name may appear.
      const exploded = /\*(?:,|$)/.test(body);
      const name: Pattern = exploded ? NAME : { op: 'alt', items: names.map(lit) };
      const pair = seq(name, optional(seq(lit('='), VALUE)));
      if (operator === ';') return star(seq(lit(';'), pair));
      return optional(seq(lit(operator), pair, star(seq(lit('&'), pair))));
    }
  }
}

/** A compiled template: `test(topic)` says whether the topic is a possible expansion. */
export interface UriTemplateMatcher {
  test(topic: string): boolean;
}

/**
 * Compiles a URI Template to a matcher. Returns null when `template` is not a valid URI Template (then it
 * can only match itself). Throws a `SelectorError` (`INVALID_PATTERN`) when it has more than
 * `MAX_SELECTOR_GROUPS` expressions.
 */
export function compileUriTemplate(template: string): UriTemplateMatcher | null {
  const items: Pattern[] = [];
  let expressions = 0;
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open === -1) {
      if (close !== -1) return null;
      items.push(lit(rest));
      break;
    }
    if (close !== -1 && close < open) return null;
    items.push(lit(rest.slice(0, open)));
    const end = rest.indexOf('}', open);
    if (end === -1) return null;
    const body = rest.slice(open + 1, end);
    if (body.includes('{')) return null;
    const expression = expressionPattern(body);
    if (expression === null) return null;
    if (++expressions > MAX_SELECTOR_GROUPS) {
      throw new SelectorError('INVALID_PATTERN', `a URI template may have at most ${MAX_SELECTOR_GROUPS} expressions`);
    }
    items.push(expression);
    rest = rest.slice(end + 1);
  }
  const nfa = compileNfa(seq(...items));
  // Most templates start with a literal (a URL prefix): a cheap test rules out most topics.
  const prefix = template.slice(0, template.indexOf('{') === -1 ? template.length : template.indexOf('{'));
  return { test: (topic) => topic.startsWith(prefix) && nfa.test(topic) };
}
