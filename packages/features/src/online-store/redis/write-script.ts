import { createHash } from "node:crypto";

/**
 * Writes many entities of one view, each atomically and only when its (eventTime, createdTime) is
 * newer than or equal to the stored pair (an absent created time is the oldest). Returns how many
 * entities it wrote.
 *
 * KEYS: one hash per entity. ARGV: feature count F, expiry in ms (0 = none), the F field names,
 * then per key: event time, created time ("" = none), F encoded values.
 */
export const WRITE_SCRIPT = `
local nf = tonumber(ARGV[1])
local px = tonumber(ARGV[2])
local stride = nf + 2
local written = 0
local none = -math.huge
for i = 1, #KEYS do
  local key = KEYS[i]
  local o = 3 + nf + (i - 1) * stride
  local e = tonumber(ARGV[o])
  local c = ARGV[o + 1]
  local cur = redis.call('HMGET', key, '@e', '@c')
  local apply = true
  if cur[1] then
    local se = tonumber(cur[1])
    if e < se then
      apply = false
    elseif e == se then
      local nc = none
      if c ~= '' then nc = tonumber(c) end
      local sc = none
      if cur[2] and cur[2] ~= '' then sc = tonumber(cur[2]) end
      if nc < sc then apply = false end
    end
  end
  if apply then
    local args = {'@e', ARGV[o], '@c', c}
    local n = 4
    for j = 1, nf do
      args[n + 1] = ARGV[2 + j]
      args[n + 2] = ARGV[o + 1 + j]
      n = n + 2
      if n >= 7000 then
        redis.call('HSET', key, unpack(args, 1, n))
        args = {}
        n = 0
      end
    end
    if n > 0 then redis.call('HSET', key, unpack(args, 1, n)) end
    if px > 0 then redis.call('PEXPIRE', key, px) else redis.call('PERSIST', key) end
    written = written + 1
  end
end
return written
`;

/** SHA-1 of {@link WRITE_SCRIPT}, the name EVALSHA calls it by. */
export const WRITE_SCRIPT_SHA = createHash("sha1").update(WRITE_SCRIPT).digest("hex");
