package io.sup.realtime.messaging.grpc;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.grpc.Status;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.Chat;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.GetChatRequest;
import io.sup.realtime.proto.messaging.v1.ListUserChatsRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sup.realtime.messaging.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sup.messaging.v1.ChatAdminService} through real stubs against the running service:
 * create, get, add, remove and list round-trip through Redis, and domain errors arrive as
 * ALREADY_EXISTS, NOT_FOUND and INVALID_ARGUMENT statuses with a description.
 */
class ChatAdminOverGrpcTest {
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
    void createGetAddRemoveAndListRoundTrip() {
        Chat created = service.admin().createChat(CreateChatRequest.newBuilder()
                .setId("team").setTitle("Team").addAllMemberIds(List.of("bob", "alice")).build());
        assertEquals("team", created.getId());
        assertEquals("Team", created.getTitle());
        assertEquals(List.of("alice", "bob"), created.getMemberIdsList());
        assertTrue(Instant.parse(created.getCreatedAt()).getEpochSecond() > 0, "creation time is set, RFC 3339");

        assertEquals(created, service.admin().getChat(GetChatRequest.newBuilder().setChatId("team").build()));

        Chat added = service.admin().addMembers(change("team", "carol", "alice"));
        assertEquals(List.of("alice", "bob", "carol"), added.getMemberIdsList());
        assertEquals(added, service.admin().addMembers(change("team", "carol")), "adding again changes nothing");

        Chat removed = service.admin().removeMembers(change("team", "bob"));
        assertEquals(List.of("alice", "carol"), removed.getMemberIdsList());
        assertEquals(removed, service.admin().removeMembers(change("team", "bob")), "removing again changes nothing");

        service.admin().createChat(CreateChatRequest.newBuilder().setId("another").addMemberIds("carol").build());
        assertEquals(List.of("another", "team"), chatsOf("carol"));
        assertEquals(List.of(), chatsOf("bob"));
    }

    @Test
    void creatingAnExistingChatIsAlreadyExists() {
        service.admin().createChat(CreateChatRequest.newBuilder().setId("dup").addMemberIds("alice").build());

        assertStatus(Status.Code.ALREADY_EXISTS, () -> service.admin().createChat(
                CreateChatRequest.newBuilder().setId("dup").addMemberIds("mallory").build()));
        assertEquals(List.of("alice"),
                service.admin().getChat(GetChatRequest.newBuilder().setChatId("dup").build()).getMemberIdsList());
    }

    @Test
    void unknownChatsAreNotFound() {
        assertStatus(Status.Code.NOT_FOUND,
                () -> service.admin().getChat(GetChatRequest.newBuilder().setChatId("ghost").build()));
        assertStatus(Status.Code.NOT_FOUND, () -> service.admin().addMembers(change("ghost", "alice")));
        assertStatus(Status.Code.NOT_FOUND, () -> service.admin().removeMembers(change("ghost", "alice")));
    }

    @Test
    void malformedIdsAreInvalidArgument() {
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> service.admin().createChat(
                CreateChatRequest.newBuilder().setId("bad id").addMemberIds("alice").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> service.admin().createChat(
                CreateChatRequest.newBuilder().setId("ok").addMemberIds("bad{id}").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> service.admin().createChat(CreateChatRequest.newBuilder().build()));
        assertStatus(Status.Code.INVALID_ARGUMENT,
                () -> service.admin().listUserChats(ListUserChatsRequest.newBuilder().setUserId("").build()));
    }

    private static ChangeMembersRequest change(String chatId, String... users) {
        return ChangeMembersRequest.newBuilder().setChatId(chatId).addAllUserIds(List.of(users)).build();
    }

    private static List<String> chatsOf(String user) {
        return service.admin().listUserChats(ListUserChatsRequest.newBuilder().setUserId(user).build()).getChatIdsList();
    }
}
