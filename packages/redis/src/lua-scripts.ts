/**
 * The Lua scripts of the log. Each runs atomically in Redis, so a script is what makes "check the id,
 * give a position, store, index, trim" one step across every node. They are sent by SHA1 (EVALSHA) and
 * loaded with EVAL when Redis answers NOSCRIPT (after a restart, or the first time).
 *
 * Invariants the scripts keep (see log-keys.ts for the keys):
 * - positions are given by `seq`, one per stored entry, never reused; the stream id of an entry is
 *   `<position>-0`, so XREAD and XRANGE return entries in log order;
 * - the history is every entry with a position above `trimmed`; `count`, `bytes` and the id index
 *   describe exactly those;
 * - entries at or below `trimmed` may stay in the stream (invisible to reads) for lagging feeds, within
 *   FEED_SLACK_COUNT and FEED_SLACK_BYTES; `lingerBytes` is their total size.
 * Numbers are formatted with %d: Lua's own number formatting switches to exponents past 1e14.
 */
import { createHash } from 'node:crypto';
import { FEED_SLACK_BYTES, FEED_SLACK_COUNT, SETTLE_SCAN_MAX, TRIM_BATCH, TRIM_BUDGET } from './limits.js';

export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function script(body: string): LuaScript {
  const source = `${PRELUDE}\n${body}`;
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

const PRELUDE = `
local function str(n) return string.format('%d', n) end
local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end
local function position(streamId) return tonumber(string.match(streamId, '^(%d+)')) end
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- How many entries to read next: the excess over a limit (exact for counts, estimated from the mean
-- size for bytes) but no fewer than "least" (an age limit needs the oldest; the caller doubles it while
-- entries keep going), at most the batch and what the budget leaves. Reading only what is likely to go
-- keeps the common append (one entry trimmed) cheap.
local function want(n, limitN, total, limitBytes, room, least)
  local w = least
  if n > limitN then w = n - limitN end
  if total > limitBytes and n > 0 then w = math.max(w, math.ceil((total - limitBytes) / (total / n))) end
  return math.max(1, math.min(w, ${TRIM_BATCH}, room))
end

-- Trims the history to the limits (as MemoryLog does: oldest first, the newest kept unless maxCount
-- is 0), dropping the ids of the trimmed entries from the index, then drops trimmed entries from the
-- stream beyond the feed slack. cutoff is nil for no age limit. Returns the entries trimmed, and the
-- highest position trimmed (every node's window of recent entries drops what is at or below it).
local function trim(stream, ids, meta, maxCount, maxBytes, cutoff)
  local m = redis.call('HMGET', meta, 'count', 'bytes', 'trimmed', 'lingerBytes')
  local count = tonumber(m[1]) or 0
  local bytes = tonumber(m[2]) or 0
  local trimmed = tonumber(m[3]) or 0
  local linger = tonumber(m[4]) or 0
  local keep = 1
  if maxCount == 0 then keep = 0 end
  local removed = 0
  local done = count <= keep or (count <= maxCount and bytes <= maxBytes and cutoff == nil)
  local least = 1
  while not done and removed < ${TRIM_BUDGET} do
    local batch = redis.call('XRANGE', stream, '(' .. str(trimmed) .. '-0', '+', 'COUNT',
      want(count, maxCount, bytes, maxBytes, ${TRIM_BUDGET} - removed, least))
    least = least * 2
    if #batch == 0 then break end
    local gone = {}
    for _, entry in ipairs(batch) do
      local f = entry[2]
      local over = count > maxCount or bytes > maxBytes
        or (cutoff ~= nil and (tonumber(field(f, 'publishedAt')) or 0) < cutoff)
      if count <= keep or not over then
        done = true
        break
      end
      local size = tonumber(field(f, 'size')) or 0
      trimmed = position(entry[1])
      count = count - 1
      bytes = bytes - size
      linger = linger + size
      gone[#gone + 1] = field(f, 'id')
      removed = removed + 1
    end
    if #gone > 0 then redis.call('HDEL', ids, unpack(gone)) end
  end
  local lingering = redis.call('XLEN', stream) - count
  local cut = nil
  if lingering > ${FEED_SLACK_COUNT} or linger > ${FEED_SLACK_BYTES} then
    local batch = redis.call('XRANGE', stream, '-', str(trimmed) .. '-0', 'COUNT',
      want(lingering, ${FEED_SLACK_COUNT}, linger, ${FEED_SLACK_BYTES}, ${TRIM_BATCH}, 1))
    for _, entry in ipairs(batch) do
      if lingering <= ${FEED_SLACK_COUNT} and linger <= ${FEED_SLACK_BYTES} then break end
      linger = linger - (tonumber(field(entry[2], 'size')) or 0)
      lingering = lingering - 1
      cut = position(entry[1])
    end
    if cut ~= nil then redis.call('XTRIM', stream, 'MINID', str(cut + 1) .. '-0') end
  end
  if removed > 0 or cut ~= nil then
    if linger < 0 then linger = 0 end
    redis.call('HSET', meta, 'count', str(count), 'bytes', str(bytes), 'trimmed', str(trimmed),
      'lingerBytes', str(linger))
  end
  return removed, trimmed
end

local function cutoffOf(arg)
  if arg == '' then return nil end
  return tonumber(arg)
end
`;

/**
 * KEYS stream, ids, meta. ARGV deadline (Redis ms), floor (a position this node saw), maxCount,
 * maxBytes, age cutoff ('' for none), id, size, then the field/value pairs of the entry.
 * Returns {-1} past the deadline, {0} for a duplicate id, and when stored {1, position, removed,
 * trimmed, lost}: the entries this append trimmed, the highest position trimmed (as a string), and 1
 * when Redis had lost its counters or entries (seq below the floor, or behind the stream), else 0.
 */
export const APPEND = script(`
local stream, ids, meta = KEYS[1], KEYS[2], KEYS[3]
-- The fence: an append that reaches Redis after its deadline was already answered "unavailable".
if nowMs() > tonumber(ARGV[1]) then return {-1} end
local id = ARGV[6]
if redis.call('HEXISTS', ids, id) == 1 then return {0} end
-- A node that saw a higher position than Redis remembers (Redis restarted without its data) lifts
-- seq to it, so no position is given twice.
local seq = tonumber(redis.call('HGET', meta, 'seq')) or 0
local floor = tonumber(ARGV[2]) or 0
local lost = 0
if floor > seq then
  seq = floor
  lost = 1
end
local values = {}
for i = 8, #ARGV do values[#values + 1] = ARGV[i] end
local n = seq + 1
local added = redis.pcall('XADD', stream, str(n) .. '-0', unpack(values))
if type(added) == 'table' and added.err then
  -- The stream is ahead of seq (its meta key was deleted): continue after the stream's newest entry.
  local top = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
  if top == nil then return redis.error_reply(added.err) end
  n = position(top[1]) + 1
  lost = 1
  redis.call('XADD', stream, str(n) .. '-0', unpack(values))
end
redis.call('HSET', ids, id, str(n))
redis.call('HSET', meta, 'seq', str(n))
redis.call('HINCRBY', meta, 'count', 1)
redis.call('HINCRBY', meta, 'bytes', ARGV[7])
local removed, trimmed = trim(stream, ids, meta, tonumber(ARGV[3]), tonumber(ARGV[4]), cutoffOf(ARGV[5]))
return {1, n, removed, str(trimmed), lost}
`);

/**
 * KEYS stream, ids, meta. ARGV maxCount, maxBytes, age cutoff ('' for none). Returns {removed, trimmed}:
 * the entries trimmed, and the highest position trimmed (as a string).
 */
export const TRIM = script(`
local removed, trimmed = trim(KEYS[1], KEYS[2], KEYS[3], tonumber(ARGV[1]), tonumber(ARGV[2]), cutoffOf(ARGV[3]))
return {removed, str(trimmed)}
`);

/**
 * KEYS stream, meta. ARGV after, limit. Returns {trimmed, entries}: the entries after
 * max(after, trimmed), read in the same atomic step as trimmed so a trim in between cannot hide a gap.
 */
export const READ = script(`
local trimmed = tonumber(redis.call('HGET', KEYS[2], 'trimmed')) or 0
local from = tonumber(ARGV[1])
if trimmed > from then from = trimmed end
return {str(trimmed), redis.call('XRANGE', KEYS[1], '(' .. str(from) .. '-0', '+', 'COUNT', ARGV[2])}
`);

/** KEYS stream, meta. ARGV 'first' or 'last'. Returns {streamId, id} of the oldest or newest kept entry, or nil. */
export const MARK = script(`
local trimmed = str(tonumber(redis.call('HGET', KEYS[2], 'trimmed')) or 0)
local found
if ARGV[1] == 'first' then
  found = redis.call('XRANGE', KEYS[1], '(' .. trimmed .. '-0', '+', 'COUNT', 1)[1]
else
  found = redis.call('XREVRANGE', KEYS[1], '+', '(' .. trimmed .. '-0', 'COUNT', 1)[1]
end
if found == nil then return nil end
return {found[1], field(found[2], 'id')}
`);

/**
 * KEYS meta. ARGV floor (the highest position the node saw). Returns {seconds, microseconds, seq,
 * trimmed, lost}: Redis's clock, the newest position, the highest position trimmed, and 1 when seq was
 * below the floor, else 0. That means Redis lost data (it restarted without it): lifting seq to the
 * floor keeps positions from being given twice.
 */
export const PROBE = script(`
local t = redis.call('TIME')
local m = redis.call('HMGET', KEYS[1], 'seq', 'trimmed')
local seq = tonumber(m[1]) or 0
local floor = tonumber(ARGV[1]) or 0
local lost = 0
if floor > seq then
  redis.call('HSET', KEYS[1], 'seq', str(floor))
  seq = floor
  lost = 1
end
return {t[1], t[2], str(seq), str(tonumber(m[2]) or 0), str(lost)}
`);

/**
 * Settles an append whose reply was lost. KEYS stream, ids. ARGV deadline, id, since (a position at or
 * below the log's newest when the append was sent). Returns
 * {0, ms} too early to tell (Redis's clock has not passed the deadline yet: wait ms),
 * {1} not stored, and the fence keeps it so,
 * {2, entry} an entry with this id was stored (compare it with the event: another node may have stored
 * the same id), {3} unknown (entries it would have to look at were dropped, or too many to scan).
 */
export const SETTLE = script(`
local deadline = tonumber(ARGV[1])
local now = nowMs()
if now <= deadline then return {0, deadline - now + 1} end
local p = redis.call('HGET', KEYS[2], ARGV[2])
if p then
  local e = redis.call('XRANGE', KEYS[1], p .. '-0', p .. '-0')[1]
  if e then return {2, e} end
  return {3}
end
-- Not in the index: never stored, or stored and already trimmed from the history. The stream still
-- holds trimmed entries for a while; scan what was appended since the append was sent.
local since = tonumber(ARGV[3])
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
if first ~= nil and position(first[1]) > since + 1 then return {3} end
local batch = redis.call('XRANGE', KEYS[1], '(' .. str(since) .. '-0', '+', 'COUNT', ${SETTLE_SCAN_MAX + 1})
if #batch > ${SETTLE_SCAN_MAX} then return {3} end
for _, e in ipairs(batch) do
  if field(e[2], 'id') == ARGV[2] then return {2, e} end
end
return {1}
`);
