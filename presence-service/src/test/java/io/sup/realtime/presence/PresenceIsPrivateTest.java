package io.sup.realtime.presence;

import java.util.List;
import java.util.Set;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.presence.v1.SetContactsRequest;
import io.sup.realtime.proto.presence.v1.SubscribeRequest;
import io.sup.realtime.proto.presence.v1.SubscribeResponse;
import io.sup.realtime.proto.presence.v1.UnsubscribeRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may see whom: a shared chat (asked of the real messaging-service) or a place on the
 * user's contact list; nobody else learns anything, not even whether a user exists; a
 * subscriber who stops being allowed stops hearing; subscriptions are bounded per connection
 * and their keys are gone once it closes. The shared-chat cache is off here (0 ms), so the
 * rule is asked afresh each time; its lifetime is a setting.
 */
class PresenceIsPrivateTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningPresence system;

    @BeforeAll
    static void start() {
        system = RunningPresence.start(REDIS, "presence.shared.chat.cache.ms", "0", "presence.max.subscriptions", "3");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void aStrangersSubscriptionLearnsNothingAndReceivesNothing() throws Exception {
        system.chat("c1", "alice", "friend");
        try (GatewayInbox gateway = GatewayInbox.of(REDIS, "gw-s")) {
            Caller stranger = system.opened("stranger", "gw-s.1");
            Caller friend = system.opened("friend", "gw-s.2");
            Caller alice = system.opened("alice", "gw-a.1");

            SubscribeResponse strangers = subscribe(stranger, "alice", "nobody-by-this-name");
            SubscribeResponse friends = subscribe(friend, "alice");
            assertEquals(List.of(), strangers.getUserIdsList());
            assertEquals(List.of(), strangers.getPresencesList());
            assertEquals(strangers, subscribe(stranger, "nobody-by-this-name"), "an unknown user looks like a hidden one");
            assertEquals("online", friends.getPresences(0).getStatus());

            update(alice, "busy");
            GatewayInbox.Update busy = gateway.next();
            assertEquals(List.of("gw-s.2"), busy.connectionIds());
            assertEquals("busy", busy.presence().getStatus());
            gateway.assertNothingSinceLast();
        }
    }

    @Test
    void aContactListLetsSomeoneSeeWithoutASharedChat() throws Exception {
        try (GatewayInbox gateway = GatewayInbox.of(REDIS, "gw-c")) {
            Caller carol = system.opened("carol", "gw-c.1");
            Caller bob = system.opened("bob", "gw-b.1");
            assertEquals(List.of(), subscribe(carol, "bob").getUserIdsList());

            system.admin().setContacts(SetContactsRequest.newBuilder().setUserId("bob").addContactIds("carol").build());
            assertEquals(List.of("bob"), subscribe(carol, "bob").getUserIdsList());
            // B decides who sees B: bob listing carol does not let bob see carol.
            assertEquals(List.of(), subscribe(bob, "carol").getUserIdsList());

            update(bob, "away");
            assertEquals("away", gateway.next().presence().getStatus());
            system.admin().setContacts(SetContactsRequest.newBuilder().setUserId("bob").build());
            update(bob, "busy");
            gateway.assertNothingSinceLast();
        }
    }

    @Test
    void removalFromTheLastSharedChatStopsTheUpdates() throws Exception {
        system.chat("c2", "dave", "erin");
        system.chat("c3", "dave", "erin");
        try (GatewayInbox gateway = GatewayInbox.of(REDIS, "gw-e")) {
            Caller erin = system.opened("erin", "gw-e.1");
            Caller dave = system.opened("dave", "gw-d.1");
            assertEquals(List.of("dave"), subscribe(erin, "dave").getUserIdsList());

            system.removeMembers("c2", "erin");
            update(dave, "away");
            assertEquals("away", gateway.next().presence().getStatus(), "one chat is still shared");

            system.removeMembers("c3", "erin");
            update(dave, "busy");
            gateway.assertNothingSinceLast();
        }
    }

    @Test
    void subscriptionsAreBoundedPerConnectionAndReleasedOnClose() {
        system.chat("c4", "fay", "u1", "u2", "u3", "u4");
        Caller fay = system.opened("fay", "gw-f.1");
        subscribe(fay, "u1", "u2");
        subscribe(fay, "u2", "u3"); // u2 again costs nothing
        StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class, () -> subscribe(fay, "u4"));
        assertEquals(Status.Code.INVALID_ARGUMENT, tooMany.getStatus().getCode());
        assertTrue(tooMany.getStatus().getDescription().contains("at most 3"), tooMany.getStatus().getDescription());

        system.events().unsubscribe(UnsubscribeRequest.newBuilder().setCaller(fay).addUserIds("u3").build());
        subscribe(fay, "u4");
        assertEquals(Set.of("u1", "u2", "u4"), system.redis().smembers(PresenceKeys.subscriptions("fay", "gw-f.1")));
        assertFalse(system.redis().exists(PresenceKeys.watchers("u3")));

        system.closed(fay);
        assertFalse(system.redis().exists(PresenceKeys.subscriptions("fay", "gw-f.1")));
        for (String u : List.of("u1", "u2", "u4")) {
            assertFalse(system.redis().exists(PresenceKeys.watchers(u)), "watchers of " + u + " left behind");
        }
        StatusRuntimeException closed = assertThrows(StatusRuntimeException.class, () -> subscribe(fay, "u1"));
        assertEquals(Status.Code.INVALID_ARGUMENT, closed.getStatus().getCode(), "a closed connection cannot subscribe");
    }

    @Test
    void aSubscribeWithTooManyOrMalformedIdsIsRefused() {
        Caller g = system.opened("gus", "gw-g.1");
        String[] many = new String[101];
        for (int i = 0; i < many.length; i++) {
            many[i] = "user" + i;
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> subscribe(g, many)).getStatus().getCode());
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> subscribe(g, "bad id")).getStatus().getCode());
        String[] repeats = new String[101];
        java.util.Arrays.fill(repeats, "gus");
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> subscribe(g, repeats)).getStatus().getCode(), "ids are counted as sent, repeats included");
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> subscribe(g)).getStatus().getCode());
    }

    private static SubscribeResponse subscribe(Caller caller, String... users) {
        return system.events().subscribe(SubscribeRequest.newBuilder().setCaller(caller).addAllUserIds(List.of(users)).build());
    }

    private static void update(Caller caller, String status) {
        system.events().updatePresence(UpdatePresenceRequest.newBuilder().setCaller(caller).setStatus(status).build());
    }
}
