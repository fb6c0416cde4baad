// What the dashboard adds to a refusal so the operator knows what to do. The hub's answer says what is
// wrong; only the page knows whether it sent a token and (from the stats) whether the hub lets anonymous
// subscribers in, and the right advice depends on both: on an --anonymous hub a 401 for the live pane
// means the token in the box is bad, not that a token is missing. Plain ES module, tested in Node.

const REFUSED = "the hub refused the token: it expired, or it was not signed with this hub's key";

/** The hint after a refused subscription of the live pane. */
export function subscribeHint({ status, tokenSent, anonymous }) {
  if (status !== 401) return status === 429 ? 'the hub has too many subscribers right now; try again later' : '';
  if (tokenSent && anonymous)
    return `${REFUSED}; paste a valid one, or untick "Send the token" to subscribe without one`;
  if (tokenSent) return `${REFUSED}; paste a valid one`;
  if (anonymous) return '';
  return 'this hub takes no anonymous subscribers (it runs without --anonymous): paste a token above and tick "Send the token"';
}

/** The hint after a refused publish from the form. */
export function publishHint({ status, tokenSent }) {
  if (status === 401) return tokenSent ? `${REFUSED}; paste a valid publisher token` : 'paste a publisher token above';
  if (status === 403) return "the token may not publish to this topic (its mercure.publish selectors don't match it)";
  return '';
}
