/**
 * Character rules shared by topics, selectors, ids and types. Draft-08 forbids C0 and C1 controls,
 * DEL and Unicode format characters (general category Cf) in all of them: they enable field injection
 * in the event stream (CR, LF), truncate ids (NUL), or make two different topics look the same
 * (invisible format characters).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this finds
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\p{Cf}]/u;

/** True when `text` contains a control or format character. */
export function hasForbiddenCharacters(text: string): boolean {
  return FORBIDDEN.test(text);
}

/**
 * True when every percent-escape in a query or form text is "%" and two hex digits, and the escaped bytes
 * are UTF-8. URLSearchParams accepts anything (a lone "%" stays, bad bytes become U+FFFD): a broken escape
 * would silently change the data or the topic, so the hub refuses it instead.
 */
export function hasValidPercentEscapes(text: string): boolean {
  if (!text.includes('%')) return true;
  try {
    decodeURIComponent(text); // throws a URIError for both kinds of breakage
    return true;
  } catch {
    return false;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `text` has a surrogate without its pair (JSON's `"\ud800"` makes one). It has no UTF-8
 * form: it would go out as U+FFFD, so the hub refuses it rather than deliver something else.
 */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
