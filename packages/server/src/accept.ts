const EVENT_STREAM = 'text/event-stream';

/**
 * Whether an `Accept` header admits text/event-stream. A missing or empty header admits everything
 * (RFC 9110 §12.5.1). The most specific matching range decides: `text/event-stream`, then `text/*`,
 * then `*∕*`; a `q=0` on it excludes the type.
 */
export function acceptsEventStream(accept: string | null | undefined): boolean {
  if (accept === null || accept === undefined || accept.trim() === '') return true;
  let best = -1;
  let bestQ = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';');
    const mediaType = type.trim().toLowerCase();
    const specificity = mediaType === EVENT_STREAM ? 2 : mediaType === 'text/*' ? 1 : mediaType === '*/*' ? 0 : -1;
    if (specificity < best || specificity < 0) continue;
    let q = 1;
    for (const param of params) {
      const [name = '', value = ''] = param.split('=');
      if (name.trim().toLowerCase() === 'q') {
        const parsed = Number(value.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    // Among equally specific ranges, the highest q wins.
    if (specificity > best || q > bestQ) {
      best = specificity;
      bestQ = q;
    }
  }
  return best >= 0 && bestQ > 0;
}
