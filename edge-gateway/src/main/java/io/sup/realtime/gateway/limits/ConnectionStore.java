package io.sup.realtime.gateway.limits;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * The gateway's own keys ({@code edge:}): connection attempts, each user's open connections,
 * token revocations. Every key of one user shares the hash tag {@code {<user>}}, so the
 * scripts that read them together run on one Redis Cluster slot. Every key is bounded: the
 * attempt logs hold at most their limit and expire a window after the last attempt; the
 * open-connection sets hold at most their bound of live entries and expire unless a gateway
 * refreshes them; revocations expire after their retention.
 */
public final class ConnectionStore {
    private static final LuaScript ADMIT_ADDRESS = script("/lua/admit_address.lua");
    private static final LuaScript ADMIT_USER = script("/lua/admit_user.lua");
    private static final LuaScript CHECK_TOKEN = script("/lua/check_token.lua");
    private static final LuaScript REVOKE = LuaScript.fromResource(ConnectionStore.class, "/lua/revoke.lua");

    private final UnifiedJedis redis;

    /** @param redis the gateway's Redis */
    public ConnectionStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** A script whose body calls platform's sliding-window limiter ({@link RateLimiter#PRELUDE}). */
    private static LuaScript script(String body) {
        return LuaScript.fromResources(ConnectionStore.class, RateLimiter.PRELUDE, body);
    }

    static String addressAttempts(InetAddress address) {
        return "edge:addr:{" + address.getHostAddress() + "}:attempts";
    }

    static String userAttempts(String userId) {
        return "edge:{" + userId + "}:attempts";
    }

    static String openConnections(String userId) {
        return "edge:{" + userId + "}:connections";
    }

    static String revokedBefore(String userId) {
        return "edge:{" + userId + "}:revoked-before";
    }

    /** The revocation of one token; with no {@code jti}, a key of the same slot that is never written. */
    static String revokedToken(String userId, String tokenId) {
        return "edge:{" + userId + "}:revoked:" + tokenId;
    }

    /**
     * Admits an attempt from {@code address} when fewer than {@code max} were admitted in the
     * last {@code windowMs}.
     *
     * @return 0 when admitted, else the milliseconds until one would be
     */
    public long admitAddress(InetAddress address, int max, long windowMs) {
        Object reply = ADMIT_ADDRESS.run(redis, List.of(addressAttempts(address)),
                List.of(String.valueOf(max), String.valueOf(windowMs)));
        return (Long) reply;
    }

    /** What {@link #admitUser} decided. */
    public enum UserVerdict { ADMITTED, TOO_MANY_ATTEMPTS, TOO_MANY_OPEN, REVOKED }

    /** {@link #admitUser}'s answer: the verdict and, for too many attempts, when to retry (ms). */
    public record UserAdmission(UserVerdict verdict, long retryAfterMs) {
    }

    /**
     * Admits a user's connection, atomically: its token is not revoked, the user holds fewer
     * than {@code maxOpen} live connections, and (when {@code maxAttempts} is positive) fewer
     * than {@code maxAttempts} admitted in the last {@code windowMs}; then records it as open
     * until {@code nowMs + entryTtlMs} (kept alive by {@link #refresh}).
     *
     * @param issuedAtMs the token's {@code iat} in ms, or -1
     * @param tokenId    the token's {@code jti}, or null
     */
    public UserAdmission admitUser(String userId, String connectionId, long issuedAtMs, String tokenId,
                                   int maxAttempts, long windowMs, int maxOpen, long nowMs, long entryTtlMs) {
        List<?> reply = (List<?>) ADMIT_USER.run(redis,
                List.of(userAttempts(userId), openConnections(userId), revokedBefore(userId),
                        revokedToken(userId, tokenId == null ? "" : tokenId)),
                List.of(connectionId, String.valueOf(maxAttempts), String.valueOf(windowMs), String.valueOf(maxOpen),
                        String.valueOf(nowMs), String.valueOf(entryTtlMs), String.valueOf(issuedAtMs),
                        tokenId == null ? "0" : "1"));
        UserVerdict verdict = UserVerdict.values()[((Long) reply.get(0)).intValue()];
        return new UserAdmission(verdict, (Long) reply.get(1));
    }

    /** What {@link #checkRefresh} decided. */
    public enum RefreshVerdict { ALLOWED, REVOKED, TOO_MANY }

    /** {@link #checkRefresh}'s answer: the verdict and, for too many refreshes, when to retry (ms). */
    public record RefreshCheck(RefreshVerdict verdict, long retryAfterMs) {
    }

    /**
     * A refresh of {@code userId}'s token: within {@code rate} (checked and counted), then not
     * revoked ({@code iat} in ms or -1, {@code jti} or null), in one script.
     */
    public RefreshCheck checkRefresh(String userId, long issuedAtMs, String tokenId, RateCheck rate) {
        List<?> reply = (List<?>) CHECK_TOKEN.run(redis,
                rate.keys(List.of(revokedBefore(userId), revokedToken(userId, tokenId == null ? "" : tokenId))),
                rate.args(List.of(String.valueOf(issuedAtMs), tokenId == null ? "0" : "1")));
        return new RefreshCheck(RefreshVerdict.values()[((Long) reply.get(0)).intValue()], (Long) reply.get(1));
    }

    /** The key of a rate-limit bucket ({@link RateLimiter}'s) of {@code userId}. */
    static String rateLimit(String userId, String bucket) {
        return "edge:rl:{" + userId + "}:" + bucket;
    }

    /**
     * Revokes {@code userId}'s tokens issued before {@code issuedBeforeMs} (when not negative)
     * and the one with {@code jti} {@code tokenId} (when not null), remembered for
     * {@code retentionMs}.
     *
     * @return the user's live connection ids at that moment
     */
    public List<String> revoke(String userId, long issuedBeforeMs, String tokenId, long retentionMs, long nowMs) {
        List<?> reply = (List<?>) REVOKE.run(redis,
                List.of(revokedBefore(userId), revokedToken(userId, tokenId == null ? "" : tokenId), openConnections(userId)),
                List.of(String.valueOf(issuedBeforeMs), tokenId == null ? "0" : "1", String.valueOf(retentionMs),
                        String.valueOf(nowMs)));
        List<String> ids = new ArrayList<>(reply.size());
        reply.forEach(id -> ids.add(String.valueOf(id)));
        return ids;
    }

    /**
     * Keeps these open connections (user id -> connection ids) alive until {@code expiresAtMs},
     * adding back any Redis lost, pipelined.
     */
    public void refresh(Map<String, ? extends Collection<String>> openByUser, long expiresAtMs, long entryTtlMs) {
        if (openByUser.isEmpty()) {
            return;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            openByUser.forEach((userId, connectionIds) -> {
                String key = openConnections(userId);
                for (String connectionId : connectionIds) {
                    // Not XX: entries Redis lost (a restart without persistence, a failover to
                    // an empty replica) come back, so the bound holds again within a period.
                    // Callers list live connections only; one that closes meanwhile and is
                    // added back stops counting at its expiry.
                    pipeline.zadd(key, expiresAtMs, connectionId);
                }
                pipeline.pexpire(key, entryTtlMs);
            });
            pipeline.sync();
        }
    }

    /** Forgets an open connection (it closed). */
    public void release(String userId, String connectionId) {
        redis.zrem(openConnections(userId), connectionId);
    }
}
