package io.sup.realtime.presence;

import java.util.ArrayList;
import java.util.List;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.presence.v1.GetContactsRequest;
import io.sup.realtime.proto.presence.v1.GetPresenceRequest;
import io.sup.realtime.proto.presence.v1.GetPresencesRequest;
import io.sup.realtime.proto.presence.v1.Presence;
import io.sup.realtime.proto.presence.v1.SetContactsRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceResponse;
import io.sup.realtime.proto.presence.v1.VisibleUsersRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code presence:update} and the admin API over real gRPC: statuses and custom statuses
 * with their limits (grapheme clusters, forbidden characters), the per-user rate limit, and
 * the internal callers' reads, contact lists with their bounds, and the visibility rule as
 * other services ask it.
 */
class StatusUpdatesAndAdminOverGrpcTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    /** One family emoji: seven code points, eleven UTF-16 units, one user-visible character. */
    private static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";

    private static RunningPresence system;

    @BeforeAll
    static void start() {
        system = RunningPresence.start(REDIS, "rate.limits", "presence:update=5/60s");
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void aStatusAndCustomStatusHoldForTheUserOnEveryDevice() {
        Caller phone = system.opened("alice", "gw-a.1");
        system.opened("alice", "gw-b.1");
        UpdatePresenceResponse set = update(phone, "busy", "in a meeting 🗓️");
        assertEquals("busy", set.getStatus());
        assertEquals("in a meeting 🗓️", set.getCustomStatus());

        Presence seen = get("alice");
        assertEquals("busy", seen.getStatus());
        assertEquals("in a meeting 🗓️", seen.getCustomStatus());
        assertFalse(seen.getLastSeen().isEmpty(), "a connected user is seen now");

        assertEquals("in a meeting 🗓️", update(phone, "away", null).getCustomStatus(), "absent: unchanged");
        assertFalse(update(phone, "away", "").hasCustomStatus(), "empty: cleared");
        assertFalse(get("alice").hasCustomStatus());
    }

    @Test
    void aCustomStatusHoldsAHundredUserVisibleCharactersHoweverManyCodePoints() {
        Caller bob = system.opened("bob", "gw-a.2");
        String hundredFamilies = FAMILY.repeat(100);
        assertEquals(hundredFamilies, update(bob, "online", hundredFamilies).getCustomStatus());
        String hundredAccented = "e\u0301".repeat(100); // e + combining acute: one character each
        assertEquals(hundredAccented, update(bob, "online", hundredAccented).getCustomStatus());

        assertRefused(bob, FAMILY.repeat(101), "longer than 100 characters");
        assertRefused(bob, "x".repeat(101), "longer than 100 characters");
        assertRefused(bob, "a" + "\u0301".repeat(3_000), "bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc\u202Edcb", "\u2066isolated\u2069", "\u202Aembedded", "line\nbreak", "tab\there", "nul\u0000",
            "c1\u0085", "line\u2028separator", "para\u2029graph"})
    void controlAndBidiOverrideCharactersAreRefused(String text) {
        Caller carol = system.opened("carol", "gw-a.3");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> update(carol, "online", text));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertFalse(e.getStatus().getDescription().contains(text), "the refusal quotes the text");
    }

    @Test
    void anUnpairedSurrogateIsRefused() {
        ServiceException e = assertThrows(ServiceException.class,
                () -> io.sup.realtime.presence.status.CustomStatus.require("lone \uD83D here"));
        assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        assertEquals("pair \uD83D\uDE00 ok", io.sup.realtime.presence.status.CustomStatus.require("pair \uD83D\uDE00 ok"));
    }

    @Test
    void anUnknownStatusIsRefused() {
        Caller dan = system.opened("dan", "gw-a.4");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> update(dan, "invisible", null));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("status must be online, away, busy or offline", e.getStatus().getDescription());
    }

    @Test
    void updatesAreRateLimitedPerUserAcrossDevices() {
        Caller one = system.opened("eve", "gw-a.5");
        Caller two = system.opened("eve", "gw-b.5");
        for (int i = 0; i < 5; i++) {
            update(i % 2 == 0 ? one : two, i % 2 == 0 ? "away" : "online", null);
        }
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> update(two, "busy", null));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith("presence:update rate limit: 5 per 60 s"),
                e.getStatus().getDescription());
        assertEquals("away", get("eve").getStatus(), "a refused update changes nothing");
    }

    @Test
    void internalCallersReadManyAtOnceWithinABound() {
        system.opened("fred", "gw-a.6");
        List<Presence> many = system.admin().getPresences(GetPresencesRequest.newBuilder()
                .addUserIds("fred").addUserIds("never-seen").addUserIds("fred").build()).getPresencesList();
        assertEquals(List.of("fred", "never-seen"), many.stream().map(Presence::getUserId).toList());
        assertEquals("online", many.get(0).getStatus());
        assertEquals("offline", many.get(1).getStatus());
        assertTrue(many.get(1).getLastSeen().isEmpty(), "never seen");

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add("u" + i);
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> system.admin()
                .getPresences(GetPresencesRequest.newBuilder().addAllUserIds(tooMany).build())).getStatus().getCode());
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> get("bad id")).getStatus().getCode());
    }

    @Test
    void contactListsAreReplacedWholeAndBounded() {
        system.admin().setContacts(SetContactsRequest.newBuilder().setUserId("gina").addContactIds("z").addContactIds("a").build());
        assertEquals(List.of("a", "z"), system.admin().getContacts(GetContactsRequest.newBuilder().setUserId("gina").build())
                .getContactIdsList());
        system.admin().setContacts(SetContactsRequest.newBuilder().setUserId("gina").addContactIds("m").build());
        assertEquals(List.of("m"), system.admin().getContacts(GetContactsRequest.newBuilder().setUserId("gina").build())
                .getContactIdsList());

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 5_001; i++) {
            tooMany.add("c" + i);
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> system.admin()
                .setContacts(SetContactsRequest.newBuilder().setUserId("gina").addAllContactIds(tooMany).build()))
                .getStatus().getCode());
        assertEquals(List.of("m"), system.admin().getContacts(GetContactsRequest.newBuilder().setUserId("gina").build())
                .getContactIdsList(), "a refused list changes nothing");
    }

    @Test
    void theVisibilityRuleIsAskedByOtherServicesInOneCall() {
        system.chat("vis-chat", "vic", "val");
        system.admin().setContacts(SetContactsRequest.newBuilder().setUserId("vera").addContactIds("vic").build());
        // vic shares a chat with val and is on vera's list; vito neither; vic always sees vic.
        assertEquals(List.of("val", "vera", "vic"), visible("vic", "val", "vito", "vera", "vic"));
        assertEquals(List.of(), visible("vera", "vic"), "a contact list is one-way: vic listed nobody");
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> visible("vic", "not a valid id")).getStatus().getCode());
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> visible("vic")).getStatus().getCode(), "no targets");
    }

    private static List<String> visible(String viewer, String... targets) {
        return system.admin().visibleUsers(VisibleUsersRequest.newBuilder().setViewerId(viewer)
                .addAllUserIds(List.of(targets)).build()).getUserIdsList();
    }

    private static void assertRefused(Caller caller, String custom, String reason) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> update(caller, "online", custom));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains(reason), e.getStatus().getDescription());
    }

    private static UpdatePresenceResponse update(Caller caller, String status, String custom) {
        UpdatePresenceRequest.Builder request = UpdatePresenceRequest.newBuilder().setCaller(caller).setStatus(status);
        if (custom != null) {
            request.setCustomStatus(custom);
        }
        return system.events().updatePresence(request.build());
    }

    private static Presence get(String user) {
        return system.admin().getPresence(GetPresenceRequest.newBuilder().setUserId(user).build());
    }
}
