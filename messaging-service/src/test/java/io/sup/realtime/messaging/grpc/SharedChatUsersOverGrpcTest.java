package io.sup.realtime.messaging.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.grpc.Status;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.SharedChatUsersRequest;
import io.sup.realtime.proto.messaging.v1.SharedChatUsersResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sup.realtime.messaging.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code ChatAdminService.SharedChatUsers} through real stubs against the running service and
 * a real Redis: of the candidates, exactly those in some chat with the user come back, in the
 * order asked and each once, following membership changes; bad requests are INVALID_ARGUMENT.
 */
class SharedChatUsersOverGrpcTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningMessagingService service;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void onlyCandidatesInAChatWithTheUserAreReturned() {
        createChat("c1", "alice", "bob");
        createChat("c2", "carol", "dave");
        createChat("c3", "alice", "erin");

        SharedChatUsersResponse response = service.admin().sharedChatUsers(SharedChatUsersRequest.newBuilder()
                .setUserId("alice").addAllCandidateIds(List.of("bob", "carol", "dave", "erin")).build());

        assertEquals("alice", response.getUserId());
        assertEquals(List.of("bob", "erin"), response.getUserIdsList(), "carol and dave share no chat with alice");
        assertEquals(List.of(), shared("carol", "alice", "bob", "erin"), "nor with the others, from carol's side");
        assertEquals(List.of("carol"), shared("dave", "alice", "carol"), "dave shares c2 with carol, none with alice");
    }

    @Test
    void orderIsKeptAndDuplicatesRemoved() {
        createChat("team", "alice", "bob", "carol", "dave");

        assertEquals(List.of("dave", "bob", "carol"), shared("alice", "dave", "bob", "dave", "carol", "bob"));
    }

    @Test
    void theUserItselfCountsOnlyWhenItIsInAChat() {
        createChat("c1", "alice", "bob");

        assertEquals(List.of("alice"), shared("alice", "alice"));
        assertEquals(List.of(), shared("zoe", "zoe"));
    }

    @Test
    void removalFromTheLastSharedChatDropsTheUser() {
        createChat("c1", "alice", "bob");
        createChat("c2", "alice", "bob", "carol");

        service.admin().removeMembers(change("c1", "bob"));
        assertEquals(List.of("bob", "carol"), shared("alice", "bob", "carol"), "bob still shares c2");

        service.admin().removeMembers(change("c2", "bob"));
        assertEquals(List.of("carol"), shared("alice", "bob", "carol"), "bob shares no chat any more");
        assertEquals(List.of(), shared("bob", "alice", "carol"));
    }

    @Test
    void aUserInNoChatsSharesNone() {
        createChat("c1", "bob", "carol");

        assertEquals(List.of(), shared("loner", "bob", "carol", "loner"));
    }

    @Test
    void unknownCandidatesAreJustAbsent() {
        createChat("c1", "alice", "bob");

        assertEquals(List.of("bob"), shared("alice", "ghost", "bob", "never-seen"));
        assertEquals(List.of(), shared("alice"), "no candidates, no answer");
    }

    @Test
    void moreThanAThousandCandidatesIsInvalidArgument() {
        createChat("c1", "alice", "u999");
        List<String> thousand = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            thousand.add("u" + i);
        }
        assertEquals(List.of("u999"), shared("alice", thousand.toArray(String[]::new)), "1,000 is allowed");

        List<String> tooMany = new ArrayList<>(thousand);
        tooMany.add("u1000");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> service.admin().sharedChatUsers(
                SharedChatUsersRequest.newBuilder().setUserId("alice").addAllCandidateIds(tooMany).build()));
    }

    @Test
    void malformedIdsAreInvalidArgument() {
        createChat("c1", "alice", "bob");

        assertStatus(Status.Code.INVALID_ARGUMENT, () -> shared("bad id", "bob"));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> shared("", "bob"));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> shared("alice", "bob", "bad{id}"));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> shared("alice", ""));
    }

    private static List<String> shared(String user, String... candidates) {
        return service.admin().sharedChatUsers(SharedChatUsersRequest.newBuilder()
                .setUserId(user).addAllCandidateIds(List.of(candidates)).build()).getUserIdsList();
    }

    private static void createChat(String chatId, String... members) {
        service.admin().createChat(CreateChatRequest.newBuilder().setId(chatId).addAllMemberIds(List.of(members)).build());
    }

    private static ChangeMembersRequest change(String chatId, String... users) {
        return ChangeMembersRequest.newBuilder().setChatId(chatId).addAllUserIds(List.of(users)).build();
    }
}
