// The Lua scripts behind RedisStore: each Store operation is one script, so
// it is one round trip and atomic (no other client runs between its reads and
// writes). Time is Redis's own (`TIME`), never the caller's, so instances with
// skewed clocks agree on every budget, lease and window.
//
// Numbers cross into Lua as strings and come back as strings: Redis truncates
// a Lua number to an integer in a reply, and Lua's tostring keeps only 14
// digits, so fractional values (a GCRA level, a retry time) are written with
// `%.17g`, which round-trips a double exactly.

/** Helpers every script starts with. */
const PRELUDE = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local function num(x) return string.format('%.17g', x) end
`;

/**
 * GCRA in level form, a line-by-line port of gcra.ts (levelAt, emptyAt,
 * gcraTake, gcraAdjust): a budget hash holds l (level, cost units
 * outstanding) and t (as of when, ms). It expires when the bucket is empty
 * again (plus a margin), so an idle budget leaves nothing behind.
 */
const GCRA = `
local function load_budget(key, limit, period, now)
  local s = redis.call('HMGET', key, 'l', 't')
  if not s[1] or not s[2] then return 0, now, false end
  local level, at = tonumber(s[1]), tonumber(s[2])
  local elapsed = now - at
  if elapsed > 0 then level = math.max(0, level - (elapsed * limit) / period) end
  return level, math.max(now, at), true
end
local function save_budget(key, level, at, limit, period, now, margin)
  local empty_at
  if level <= 0 then empty_at = at
  elseif limit > 0 then empty_at = at + (level * period) / limit
  else empty_at = now + period end -- limit 0 never drains; it still expires (every key does)
  local ttl = math.ceil(empty_at - now)
  if ttl <= 0 then
    redis.call('DEL', key)
    return
  end
  redis.call('HSET', key, 'l', num(level), 't', num(at))
  redis.call('PEXPIRE', key, ttl + margin)
end
`;

/** KEYS[1] budget; ARGV limit, periodMs, cost, marginMs → {allowed 0|1, retryAfterMs as a string}. */
export const TAKE = `${PRELUDE}${GCRA}
local limit, period, cost, margin = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_ms()
local level, at = load_budget(KEYS[1], limit, period, now)
local slack = (limit * 0.001) / period
if cost > limit + slack then return {0, '-1'} end
local excess = level + cost - limit
if excess > slack then return {0, num((excess * period) / limit)} end
save_budget(KEYS[1], level + cost, at, limit, period, now, margin)
return {1, '0'}
`;

/** KEYS[1] budget; ARGV limit, periodMs, delta, marginMs. A refund never takes the level below zero. */
export const ADJUST = `${PRELUDE}${GCRA}
local limit, period, delta, margin = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_ms()
local level, at, found = load_budget(KEYS[1], limit, period, now)
if not found and delta <= 0 then return 0 end
save_budget(KEYS[1], math.max(0, level + delta), at, limit, period, now, margin)
return 1
`;

/**
 * Leases: a hash with one field per instance, "count leaseUntilMs". A count
 * only counts until its lease ends, and a live instance renews its leases
 * (RedisStore's heartbeat), so the slots of a crashed instance come free
 * after one lease even while other instances keep the key busy.
 */
const LEASES = `
local function parse_lease(v)
  if not v then return 0, 0 end
  local c, e = string.match(v, '^(%d+) (%d+)$')
  if not c then return 0, 0 end
  return tonumber(c), tonumber(e)
end
local function live_total(key, me, now)
  local all = redis.call('HGETALL', key)
  local total, mine = 0, 0
  for i = 1, #all, 2 do
    local c, e = parse_lease(all[i + 1])
    if c <= 0 or e <= now then
      redis.call('HDEL', key, all[i])
    else
      total = total + c
      if all[i] == me then mine = c end
    end
  end
  return total, mine
end
local function set_lease(key, me, count, now, lease)
  if count <= 0 then
    redis.call('HDEL', key, me)
  else
    redis.call('HSET', key, me, string.format('%d %.0f', count, math.floor(now + lease)))
  end
  if redis.call('EXISTS', key) == 1 then redis.call('PEXPIRE', key, lease) end
end
local function release_lease(key, me, now, lease)
  local c, e = parse_lease(redis.call('HGET', key, me))
  if c > 0 and e > now then set_lease(key, me, c - 1, now, lease) else redis.call('HDEL', key, me) end
end
`;

/** KEYS[1] lease hash; ARGV max (-1: no cap), instance, leaseMs → 1 acquired | 0 full. */
export const ACQUIRE = `${PRELUDE}${LEASES}
local max, me, lease = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local total, mine = live_total(KEYS[1], me, now)
if max >= 0 and total >= max then return 0 end
set_lease(KEYS[1], me, mine + 1, now, lease)
return 1
`;

/** KEYS[1] lease hash; ARGV instance, leaseMs. Never below zero: a double release grants nothing later. */
export const RELEASE = `${PRELUDE}${LEASES}
release_lease(KEYS[1], ARGV[1], now_ms(), tonumber(ARGV[2]))
return 1
`;

/** KEYS lease hashes this instance holds; ARGV instance, leaseMs: renews its leases (the heartbeat). */
export const RENEW = `${PRELUDE}${LEASES}
local me, lease = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
for _, key in ipairs(KEYS) do
  local c = parse_lease(redis.call('HGET', key, me))
  if c > 0 then set_lease(key, me, c, now, lease) end
end
return 1
`;

/**
 * KEYS cooldown strings → a flat {value|false, pttl, …}. The remaining time
 * comes from Redis's expiry, so every instance sees the same end.
 */
export const COOLDOWNS = `
local out = {}
for _, key in ipairs(KEYS) do
  out[#out + 1] = redis.call('GET', key)
  out[#out + 1] = redis.call('PTTL', key)
end
return out
`;

/**
 * KEYS cooldown strings; ARGV value1, ttl1, value2, ttl2, …: sets each unless
 * Redis already holds a longer one (another instance may have learned more).
 * Used to resynchronise cooldowns learned while Redis was away.
 */
export const MERGE_COOLDOWNS = `
for i, key in ipairs(KEYS) do
  local ttl = tonumber(ARGV[2 * i])
  if redis.call('PTTL', key) < ttl then redis.call('SET', key, ARGV[2 * i - 1], 'PX', ttl) end
end
return 1
`;

/**
 * KEYS[1] failure sorted set (score: Redis ms); ARGV windowMs, cap, nonce →
 * failures within the window, this one included. Saturates at `cap`, as the
 * memory store does; expires one window after the last failure.
 */
export const RECORD_FAILURE = `${PRELUDE}
local window, cap, nonce = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local now = now_ms()
redis.call('ZADD', KEYS[1], num(now), num(now) .. '/' .. nonce)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(now - window))
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(cap + 1))
redis.call('PEXPIRE', KEYS[1], math.ceil(window) + 1000)
return redis.call('ZCARD', KEYS[1])
`;

/**
 * The sliding minute of requests and tokens, as MinuteWindow does it: a hash
 * of 60 fields (second mod 60) holding "second requests tokens", reused in
 * place, so it never grows; it expires a minute after the last write.
 */
const USAGE = `
local function usage_add(key, now, req, tok)
  local sec = math.floor(now / 1000)
  local slot = sec % 60
  local r, t = 0, 0
  local v = redis.call('HGET', key, slot)
  if v then
    local s, r0, t0 = string.match(v, '^(%d+) (%S+) (%S+)$')
    if s and tonumber(s) == sec then r, t = tonumber(r0), tonumber(t0) end
  end
  redis.call('HSET', key, slot, string.format('%.0f %s %s', sec, num(r + req), num(t + tok)))
  redis.call('PEXPIRE', key, 61000)
end
local function usage_totals(key, now)
  local sec = math.floor(now / 1000)
  local r, t = 0, 0
  for _, v in ipairs(redis.call('HVALS', key)) do
    local s, r0, t0 = string.match(v, '^(%d+) (%S+) (%S+)$')
    if s then
      s = tonumber(s)
      if s > sec - 60 and s <= sec then
        r = r + tonumber(r0)
        t = t + tonumber(t0)
      end
    end
  end
  return r, t
end
`;

/** KEYS in-flight leases, usage window; ARGV instance, leaseMs. A request counts when it is sent. */
export const CALL_STARTED = `${PRELUDE}${LEASES}${USAGE}
local me, lease = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local _, mine = live_total(KEYS[1], me, now)
set_lease(KEYS[1], me, mine + 1, now, lease)
usage_add(KEYS[2], now, 1, 0)
return 1
`;

/**
 * KEYS in-flight leases, usage window, latency; ARGV instance, leaseMs,
 * hasOutcome (0|1), latencyMs, tokens, alpha, retentionMs. Latency is an EWMA
 * (alpha weights the newest call), kept `retentionMs` after the last call.
 */
export const CALL_ENDED = `${PRELUDE}${LEASES}${USAGE}
local me, lease = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
release_lease(KEYS[1], me, now, lease)
local retention = tonumber(ARGV[7])
if ARGV[3] == '1' then
  local latency, alpha = tonumber(ARGV[4]), tonumber(ARGV[6])
  local old = tonumber(redis.call('GET', KEYS[3]) or '')
  if old then latency = alpha * latency + (1 - alpha) * old end
  redis.call('SET', KEYS[3], num(latency), 'PX', retention)
  usage_add(KEYS[2], now, 0, tonumber(ARGV[5]))
else
  redis.call('PEXPIRE', KEYS[3], retention)
end
return 1
`;

/** KEYS (in-flight, usage, latency) per deployment → flat {inFlight, latency|'', requests, tokens, …}. */
export const STATS = `${PRELUDE}${LEASES}${USAGE}
local now = now_ms()
local out = {}
for i = 1, #KEYS, 3 do
  local in_flight = live_total(KEYS[i], '', now)
  local r, t = usage_totals(KEYS[i + 1], now)
  out[#out + 1] = in_flight
  out[#out + 1] = redis.call('GET', KEYS[i + 2]) or ''
  out[#out + 1] = num(r)
  out[#out + 1] = num(t)
end
return out
`;
