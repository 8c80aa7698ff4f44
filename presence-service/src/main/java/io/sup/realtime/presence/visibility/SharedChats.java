package io.sup.realtime.presence.visibility;

import java.util.Collection;
import java.util.Set;

/** Who shares a chat with whom: messaging-service's answer (membership is messaging's). */
public interface SharedChats {
    /**
     * Of {@code candidates}, those that share at least one chat with {@code userId}.
     *
     * @throws io.sup.realtime.platform.grpc.ServiceException UNAVAILABLE when the answer
     *     cannot be had (messaging-service down or slow)
     */
    Set<String> sharingAChatWith(String userId, Collection<String> candidates);
}
