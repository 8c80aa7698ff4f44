package io.sup.realtime.gateway.admin;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.sup.realtime.gateway.auth.Identity;
import io.sup.realtime.gateway.limits.ConnectionStore;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.proto.gateway.v1.Disconnect;

/**
 * Revoking tokens before their {@code exp}: the revocation is stored (so new connections and
 * refreshes with such a token are refused, on every instance), and each open connection of
 * the user, wherever it is, is told over the delivery bus to close if its token is covered.
 * Storing and listing the open connections is one atomic step with admission, so no
 * connection slips between the two.
 */
public final class TokenRevocations {
    private static final Logger LOG = System.getLogger(TokenRevocations.class.getName());

    private final ConnectionStore store;
    private final DeliveryBus bus;
    private final Duration retention;
    private final Clock clock;

    /**
     * @param store     revocations and open connections
     * @param bus       reaches the instances holding the connections
     * @param retention how long a revocation is remembered ({@code JWT_REVOCATION_RETENTION_MS}); it
     *                  should outlast the longest token lifetime
     * @param clock     time source
     */
    public TokenRevocations(ConnectionStore store, DeliveryBus bus, Duration retention, Clock clock) {
        this.store = store;
        this.bus = bus;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * Revokes {@code userId}'s tokens issued before {@code issuedBeforeMs} and/or the one with
     * {@code jti} {@code tokenId}.
     *
     * @return how many open connections of the user were told to check their token
     * @throws ServiceException INVALID_ARGUMENT for a malformed user id or token id, or neither criterion
     */
    public int revoke(String userId, OptionalLong issuedBeforeMs, Optional<String> tokenId) {
        if (!Ids.isValid(userId)) {
            throw ServiceException.invalidArgument("user_id must be a valid user id");
        }
        if (issuedBeforeMs.isEmpty() && tokenId.isEmpty()) {
            throw ServiceException.invalidArgument("give issued_before_ms, token_id or both");
        }
        if (issuedBeforeMs.isPresent() && issuedBeforeMs.getAsLong() < 0) {
            throw ServiceException.invalidArgument("issued_before_ms must not be negative");
        }
        if (tokenId.isPresent() && !Identity.TokenClaims.isValidTokenId(tokenId.get())) {
            throw ServiceException.invalidArgument("token_id must be 1-128 printable ASCII characters");
        }
        List<String> open = store.revoke(userId, issuedBeforeMs.orElse(-1), tokenId.orElse(null),
                retention.toMillis(), clock.millis());
        Disconnect.Builder disconnect = Disconnect.newBuilder();
        issuedBeforeMs.ifPresent(disconnect::setIssuedBeforeMs);
        tokenId.ifPresent(disconnect::setTokenId);
        bus.disconnect(open, disconnect.build());
        LOG.log(Level.INFO, "tokens of a user revoked; " + open.size() + " open connection(s) told");
        return open.size();
    }
}
