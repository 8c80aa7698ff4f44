package io.sup.realtime.tools;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.Chat;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc.ChatAdminServiceBlockingStub;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.GetChatRequest;
import io.sup.realtime.proto.messaging.v1.ListUserChatsRequest;

/**
 * Calls {@code sup.messaging.v1.ChatAdminService} through grpc-java blocking stubs on a
 * plaintext channel (the services sit inside the cluster network), each call with a
 * deadline ({@code --deadline-ms}, 5 s by default). A gRPC error becomes a {@link CliFailure}
 * whose message is {@code <STATUS>: <description>}.
 */
public final class ChatAdminClient implements AutoCloseable {
    private final String target;
    private final Duration deadline;
    private final ManagedChannel channel;

    /**
     * @param target   gRPC target such as {@code localhost:7001} or {@code dns:///messaging:7001}
     * @param deadline deadline of every call
     * @throws IllegalArgumentException when {@code target} is not a usable gRPC name
     */
    public ChatAdminClient(String target, Duration deadline) {
        this.target = target;
        this.deadline = deadline;
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    }

    /** CreateChat. */
    public Chat create(String chatId, String title, List<String> memberIds) {
        return call(stub -> stub.createChat(CreateChatRequest.newBuilder()
                .setId(chatId).setTitle(title == null ? "" : title).addAllMemberIds(memberIds).build()));
    }

    /** AddMembers. */
    public Chat addMembers(String chatId, List<String> userIds) {
        return call(stub -> stub.addMembers(ChangeMembersRequest.newBuilder().setChatId(chatId).addAllUserIds(userIds).build()));
    }

    /** RemoveMembers. */
    public Chat removeMembers(String chatId, List<String> userIds) {
        return call(stub -> stub.removeMembers(ChangeMembersRequest.newBuilder().setChatId(chatId).addAllUserIds(userIds).build()));
    }

    /** GetChat. */
    public Chat get(String chatId) {
        return call(stub -> stub.getChat(GetChatRequest.newBuilder().setChatId(chatId).build()));
    }

    /** ListUserChats: the ids of the user's chats, sorted. */
    public List<String> chatsOf(String userId) {
        return call(stub -> stub.listUserChats(ListUserChatsRequest.newBuilder().setUserId(userId).build()).getChatIdsList());
    }

    private <T> T call(Function<ChatAdminServiceBlockingStub, T> rpc) {
        ChatAdminServiceBlockingStub stub = ChatAdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return rpc.apply(stub);
        } catch (StatusRuntimeException e) {
            throw new CliFailure(describe(e.getStatus(), target, deadline), e);
        }
    }

    /**
     * {@code <STATUS>: <description>} for a failed call, with plain words for the statuses a
     * caller cannot act on from the service's own description.
     */
    static String describe(Status status, String target, Duration deadline) {
        String code = status.getCode().name();
        String description = status.getDescription();
        return switch (status.getCode()) {
            case UNAVAILABLE -> code + ": the messaging service at " + target + " is not reachable"
                    + (description == null ? "" : " (" + description + ")");
            case DEADLINE_EXCEEDED -> code + ": no answer from the messaging service at " + target
                    + " within " + deadline.toMillis() + " ms (--deadline-ms)";
            case UNIMPLEMENTED -> code + ": the server at " + target + " does not serve sup.messaging.v1.ChatAdminService"
                    + (description == null ? "" : " (" + description + ")");
            default -> description == null || description.isBlank() ? code : code + ": " + description;
        };
    }

    /** Shuts the channel down, waiting briefly for it to finish. */
    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
