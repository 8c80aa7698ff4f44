package io.sup.realtime.calls.ice;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The STUN and TURN servers a call's clients are given: the configured URLs, with TURN
 * credentials minted per call and per user ({@link TurnCredentials}), valid for
 * {@code credentialTtl}. With no TURN URLs configured only the STUN servers are given (and
 * none at all when neither is configured: clients then use their own, or host candidates).
 */
public final class IceServers {
    private final List<String> stunUrls;
    private final List<String> turnUrls;
    private final Optional<TurnCredentials> turn;
    private final Duration credentialTtl;
    private final Clock clock;

    /**
     * @param stunUrls      {@code stun:} URIs
     * @param turnUrls      {@code turn:} / {@code turns:} URIs; when present, {@code turn} must be too
     * @param turn          the credential minter, present when TURN URLs are configured
     * @param credentialTtl how long a minted credential is valid
     * @param clock         the service's clock
     * @throws IllegalArgumentException when TURN URLs are configured without a secret
     */
    public IceServers(List<String> stunUrls, List<String> turnUrls, Optional<TurnCredentials> turn,
                      Duration credentialTtl, Clock clock) {
        if (!turnUrls.isEmpty() && turn.isEmpty()) {
            throw new IllegalArgumentException("configuration 'call.turn.secret' (env CALL_TURN_SECRET) is needed "
                    + "with 'call.ice.turn.urls' (env CALL_ICE_TURN_URLS)");
        }
        this.stunUrls = List.copyOf(stunUrls);
        this.turnUrls = List.copyOf(turnUrls);
        this.turn = turn;
        this.credentialTtl = credentialTtl;
        this.clock = clock;
    }

    /** The servers for {@code userId}, with a fresh TURN credential of that user's. */
    public List<IceServer> forUser(String userId) {
        List<IceServer> servers = new ArrayList<>(2);
        if (!stunUrls.isEmpty()) {
            servers.add(new IceServer(stunUrls, Optional.empty(), Optional.empty()));
        }
        turn.filter(t -> !turnUrls.isEmpty()).ifPresent(t -> {
            TurnCredentials.Minted minted = t.mint(userId, clock.instant().plus(credentialTtl));
            servers.add(new IceServer(turnUrls, Optional.of(minted.username()), Optional.of(minted.credential())));
        });
        return servers;
    }
}
