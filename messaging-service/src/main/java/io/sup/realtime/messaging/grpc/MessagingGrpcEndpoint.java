package io.sup.realtime.messaging.grpc;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.messages.MessageService;
import io.sup.realtime.proto.messaging.v1.JoinChatRequest;
import io.sup.realtime.proto.messaging.v1.JoinChatResponse;
import io.sup.realtime.proto.messaging.v1.LeaveChatRequest;
import io.sup.realtime.proto.messaging.v1.LeaveChatResponse;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageResponse;

/**
 * {@code sup.messaging.v1.MessagingService}: the client events, proto <-> domain. Methods not
 * overridden here answer {@code UNIMPLEMENTED} (grpc-java's default) until their domain
 * work lands; errors thrown by the domain become statuses in {@code ErrorMappingInterceptor}.
 */
public final class MessagingGrpcEndpoint extends MessagingServiceGrpc.MessagingServiceImplBase {
    private final MessageService messages;
    private final ChatService chats;

    /**
     * @param messages sending
     * @param chats    membership checks for join and leave
     */
    public MessagingGrpcEndpoint(MessageService messages, ChatService chats) {
        this.messages = messages;
        this.chats = chats;
    }

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> response) {
        var stored = messages.send(ProtoMapping.actor(request.getCaller()), request.getChatId(), request.getType(),
                request.getContent(), request.getTempId());
        response.onNext(SendMessageResponse.newBuilder().setMessage(ProtoMapping.message(stored)).build());
        response.onCompleted();
    }

    @Override
    public void joinChat(JoinChatRequest request, StreamObserver<JoinChatResponse> response) {
        chats.requireMember(request.getChatId(), ProtoMapping.actor(request.getCaller()).userId());
        response.onNext(JoinChatResponse.newBuilder().setChatId(request.getChatId()).build());
        response.onCompleted();
    }

    @Override
    public void leaveChat(LeaveChatRequest request, StreamObserver<LeaveChatResponse> response) {
        chats.requireMember(request.getChatId(), ProtoMapping.actor(request.getCaller()).userId());
        response.onNext(LeaveChatResponse.newBuilder().setChatId(request.getChatId()).build());
        response.onCompleted();
    }
}
