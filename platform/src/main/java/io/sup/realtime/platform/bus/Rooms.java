package io.sup.realtime.platform.bus;

/**
 * Room names, shared by the gateway (which keeps the rooms) and the services (which deliver
 * to them): a connection joins {@code chat:<chatId>} with {@code chat:join}.
 */
public final class Rooms {
    private Rooms() {
    }

    /** The room of connections currently viewing {@code chatId}. */
    public static String chat(String chatId) {
        return "chat:" + chatId;
    }
}
