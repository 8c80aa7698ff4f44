package io.sup.realtime.messaging.grpc;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.outbox.OutboxService;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.Chat;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.GetChatRequest;
import io.sup.realtime.proto.messaging.v1.ListUserChatsRequest;
import io.sup.realtime.proto.messaging.v1.ListMembersRequest;
import io.sup.realtime.proto.messaging.v1.ListMembersResponse;
import io.sup.realtime.proto.messaging.v1.ListNotificationOutboxRequest;
import io.sup.realtime.proto.messaging.v1.ListNotificationOutboxResponse;
import io.sup.realtime.proto.messaging.v1.ListUserChatsResponse;
import io.sup.realtime.proto.messaging.v1.SharedChatUsersRequest;
import io.sup.realtime.proto.messaging.v1.SharedChatUsersResponse;
import io.sup.realtime.proto.messaging.v1.UpdateChatRequest;

/** {@code sup.messaging.v1.ChatAdminService}: chat administration for internal callers, proto <-> domain. */
public final class ChatAdminGrpcEndpoint extends ChatAdminServiceGrpc.ChatAdminServiceImplBase {
    private final ChatService chats;
    private final OutboxService outbox;

    /**
     * @param chats  chat administration
     * @param outbox the notification outbox, for notification-service to read
     */
    public ChatAdminGrpcEndpoint(ChatService chats, OutboxService outbox) {
        this.chats = chats;
        this.outbox = outbox;
    }

    @Override
    public void createChat(CreateChatRequest request, StreamObserver<Chat> response) {
        reply(response, ProtoMapping.chat(chats.create(request.getId(), request.getTitle(), request.getMemberIdsList())));
    }

    @Override
    public void addMembers(ChangeMembersRequest request, StreamObserver<Chat> response) {
        reply(response, ProtoMapping.chat(chats.addMembers(request.getChatId(), request.getUserIdsList())));
    }

    @Override
    public void removeMembers(ChangeMembersRequest request, StreamObserver<Chat> response) {
        reply(response, ProtoMapping.chat(chats.removeMembers(request.getChatId(), request.getUserIdsList())));
    }

    @Override
    public void getChat(GetChatRequest request, StreamObserver<Chat> response) {
        reply(response, ProtoMapping.chat(chats.get(request.getChatId())));
    }

    @Override
    public void listUserChats(ListUserChatsRequest request, StreamObserver<ListUserChatsResponse> response) {
        reply(response, ListUserChatsResponse.newBuilder().addAllChatIds(chats.chatsOf(request.getUserId())).build());
    }

    @Override
    public void updateChat(UpdateChatRequest request, StreamObserver<Chat> response) {
        reply(response, ProtoMapping.chat(chats.update(request.getChatId(), request.getTitle())));
    }

    @Override
    public void listMembers(ListMembersRequest request, StreamObserver<ListMembersResponse> response) {
        reply(response, ListMembersResponse.newBuilder().setChatId(request.getChatId())
                .addAllMemberIds(chats.get(request.getChatId()).memberIds()).build());
    }

    @Override
    public void sharedChatUsers(SharedChatUsersRequest request, StreamObserver<SharedChatUsersResponse> response) {
        reply(response, SharedChatUsersResponse.newBuilder().setUserId(request.getUserId())
                .addAllUserIds(chats.sharedChatUsers(request.getUserId(), request.getCandidateIdsList())).build());
    }

    @Override
    public void listNotificationOutbox(ListNotificationOutboxRequest request,
                                       StreamObserver<ListNotificationOutboxResponse> response) {
        reply(response, ListNotificationOutboxResponse.newBuilder().addAllEntries(
                outbox.after(request.getAfter(), request.getLimit()).stream().map(ProtoMapping::outboxEntry).toList())
                .build());
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }
}
