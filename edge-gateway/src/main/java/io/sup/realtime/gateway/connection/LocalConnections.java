package io.sup.realtime.gateway.connection;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.sup.realtime.gateway.auth.Identity;
import io.sup.realtime.platform.bus.RoutingRegistry;

/**
 * This instance's connections, indexed by id, user and room, kept in step with the routing
 * registry: the first local connection of a user (or in a room) adds this instance's entry,
 * the last one removes it, and {@link #refreshRoutes()} re-stamps all entries as the
 * heartbeat. Registry writes happen inside the index update for that user or room, so a
 * connect racing a disconnect of the same user cannot leave the entry wrong.
 */
public final class LocalConnections {
    private final String instance;
    private final String idPrefix;
    private final RoutingRegistry registry;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<String, ClientConnection> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<ClientConnection>> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<ClientConnection>> byRoom = new ConcurrentHashMap<>();

    /**
     * @param instance this gateway instance's id
     * @param registry the delivery bus's routing registry
     */
    public LocalConnections(String instance, RoutingRegistry registry) {
        this.instance = instance;
        this.idPrefix = instance + "." + Long.toString(System.currentTimeMillis(), 36) + "-";
        this.registry = registry;
    }

    /** This gateway instance's id. */
    public String instance() {
        return instance;
    }

    /**
     * A fresh connection id, {@code <instance>.<start>-<n>}: this process's start time and a
     * counter, both in base 36. The start time keeps ids unique across restarts of an instance
     * that keeps its id (GATEWAY_INSTANCE_ID), so a new connection never takes the id of one
     * the services still remember (presence's closed-connection tombstones, for instance).
     */
    public String nextId() {
        return idPrefix + Long.toString(sequence.incrementAndGet(), 36);
    }

    /** Tracks an open (not yet authenticated) connection. */
    public void opened(ClientConnection connection) {
        byId.put(connection.id(), connection);
    }

    /**
     * Marks {@code connection} authenticated as {@code who} and makes it reachable by user. A
     * connection that started closing meanwhile is released again at once: its cleanup may
     * have run before it had an identity, and must not leave a route behind.
     */
    public void authenticated(ClientConnection connection, Identity who) {
        connection.authenticated(who);
        byUser.compute(who.userId(), (user, set) -> {
            Set<ClientConnection> conns = set != null ? set : ConcurrentHashMap.newKeySet();
            if (conns.isEmpty()) {
                registry.addUser(instance, user);
            }
            conns.add(connection);
            return conns;
        });
        if (connection.out().isClosing()) {
            release(connection);
        }
    }

    /**
     * Adds {@code connection} to {@code room}. Joins, leaves and the release of a closed
     * connection hold the connection's lock: a release that ran between a join's first step
     * and its registry entry would otherwise remove nothing and leave the entry behind.
     */
    public void join(ClientConnection connection, String room) {
        synchronized (connection) {
            joinLocked(connection, room);
        }
    }

    private void joinLocked(ClientConnection connection, String room) {
        if (!connection.rooms().add(room)) {
            return;
        }
        String userId = connection.identity().userId();
        byRoom.compute(room, (r, set) -> {
            Set<ClientConnection> conns = set != null ? set : ConcurrentHashMap.newKeySet();
            if (conns.isEmpty()) {
                registry.addRoom(instance, r);
            }
            if (!hasUser(conns, userId)) {
                registry.addRoomUser(instance, r, userId);
            }
            conns.add(connection);
            return conns;
        });
        if (connection.out().isClosing()) {
            leaveLocked(connection, room); // closed while joining: its cleanup may have missed this room
        }
    }

    private static boolean hasUser(Set<ClientConnection> conns, String userId) {
        return conns.stream().anyMatch(c -> c.identity().userId().equals(userId));
    }

    /** Removes {@code connection} from {@code room}. */
    public void leave(ClientConnection connection, String room) {
        synchronized (connection) {
            leaveLocked(connection, room);
        }
    }

    private void leaveLocked(ClientConnection connection, String room) {
        if (!connection.rooms().remove(room)) {
            return;
        }
        String userId = connection.identity().userId();
        byRoom.computeIfPresent(room, (r, conns) -> {
            conns.remove(connection);
            if (!hasUser(conns, userId)) {
                unregister(() -> registry.removeRoomUser(instance, r, userId));
            }
            if (conns.isEmpty()) {
                unregister(() -> registry.removeRoom(instance, r));
                return null;
            }
            return conns;
        });
    }

    /**
     * Removes a registry entry. Local state is released even when Redis cannot be reached:
     * an entry that is no longer refreshed expires by itself after the routing TTL.
     */
    private static void unregister(Runnable removal) {
        try {
            removal.run();
        } catch (RuntimeException e) {
            System.getLogger(LocalConnections.class.getName()).log(System.Logger.Level.WARNING,
                    "routing entry not removed (" + e.getClass().getSimpleName() + "); it expires by itself");
        }
    }

    /** Forgets a closed connection: its rooms, its user entry, its id. Idempotent. */
    public void closed(ClientConnection connection) {
        byId.remove(connection.id());
        release(connection);
    }

    /** Drops {@code connection} from its rooms and its user's entry; harmless when already done. */
    private void release(ClientConnection connection) {
        synchronized (connection) {
            for (String room : List.copyOf(connection.rooms())) {
                leaveLocked(connection, room);
            }
        }
        Identity who = connection.identity();
        if (who != null) {
            byUser.computeIfPresent(who.userId(), (user, conns) -> {
                if (!conns.remove(connection)) {
                    return conns; // released before
                }
                if (conns.isEmpty()) {
                    unregister(() -> registry.removeUser(instance, user));
                    return null;
                }
                return conns;
            });
        }
    }

    /** The connection with this id, or null. */
    public ClientConnection byId(String connectionId) {
        return byId.get(connectionId);
    }

    /** Local connections of {@code userId} (empty when none). */
    public Collection<ClientConnection> ofUser(String userId) {
        Set<ClientConnection> conns = byUser.get(userId);
        return conns == null ? List.of() : conns;
    }

    /** Local connections in {@code room} (empty when none). */
    public Collection<ClientConnection> inRoom(String room) {
        Set<ClientConnection> conns = byRoom.get(room);
        return conns == null ? List.of() : conns;
    }

    /** Number of open connections, authenticated or not. */
    public int size() {
        return byId.size();
    }

    /** Every open connection (live view). */
    public Collection<ClientConnection> all() {
        return byId.values();
    }

    /** Heartbeat: re-stamps this instance's routing entries for every local user and room. */
    public void refreshRoutes() {
        List<RoutingRegistry.RoomUser> roomUsers = byRoom.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(c -> new RoutingRegistry.RoomUser(e.getKey(), c.identity().userId())))
                .distinct().toList();
        registry.refresh(instance, List.copyOf(byUser.keySet()), List.copyOf(byRoom.keySet()), roomUsers);
    }
}
