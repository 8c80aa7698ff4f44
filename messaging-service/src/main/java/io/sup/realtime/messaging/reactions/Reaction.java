package io.sup.realtime.messaging.reactions;

import java.util.List;

/**
 * The reactions of one emoji on a message.
 *
 * @param emoji   the emoji, fully qualified
 * @param userIds who reacted with it, sorted
 */
public record Reaction(String emoji, List<String> userIds) {
    /** How many reacted with it. */
    public int count() {
        return userIds.size();
    }
}
