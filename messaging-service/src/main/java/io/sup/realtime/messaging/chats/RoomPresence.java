package io.sup.realtime.messaging.chats;

import java.util.List;

/** Who is viewing a chat right now: users with a connection in its room, on any gateway. */
public interface RoomPresence {
    /** The users with a live connection in {@code chatId}'s room, sorted. */
    List<String> usersViewing(String chatId);
}
