package io.sup.realtime.messaging.grpc;

import java.util.List;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.RoomPresence;
import io.sup.realtime.messaging.messages.MessageService;
import io.sup.realtime.messaging.reactions.Reaction;
import io.sup.realtime.messaging.reactions.ReactionService;
import io.sup.realtime.messaging.receipts.ReceiptKind;
import io.sup.realtime.messaging.receipts.ReceiptService;
import io.sup.realtime.messaging.typing.TypingService;
import io.sup.realtime.proto.messaging.v1.GetActiveMembersRequest;
import io.sup.realtime.proto.messaging.v1.GetReactionsRequest;
import io.sup.realtime.proto.messaging.v1.GetReactionsResponse;
import io.sup.realtime.proto.messaging.v1.ReactionRequest;
import io.sup.realtime.proto.messaging.v1.ReactionResponse;
import io.sup.realtime.proto.messaging.v1.ReactionSummary;
import io.sup.realtime.proto.messaging.v1.GetActiveMembersResponse;
import io.sup.realtime.proto.messaging.v1.JoinChatRequest;
import io.sup.realtime.proto.messaging.v1.JoinChatResult;
import io.sup.realtime.proto.messaging.v1.JoinChatsRequest;
import io.sup.realtime.proto.messaging.v1.JoinChatsResponse;
import io.sup.realtime.proto.messaging.v1.JoinChatResponse;
import io.sup.realtime.proto.messaging.v1.LeaveChatRequest;
import io.sup.realtime.proto.messaging.v1.LeaveChatResponse;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc;
import io.sup.realtime.proto.messaging.v1.ReceiptRequest;
import io.sup.realtime.proto.messaging.v1.ReceiptResponse;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageResponse;
import io.sup.realtime.proto.messaging.v1.SyncMessagesRequest;
import io.sup.realtime.proto.messaging.v1.SyncMessagesResponse;
import io.sup.realtime.proto.messaging.v1.TypingRequest;
import io.sup.realtime.proto.messaging.v1.TypingResponse;

/**
 * {@code sup.messaging.v1.MessagingService}: the client events, proto <-> domain; errors
 * thrown by the domain become statuses in {@code ErrorMappingInterceptor} (a rate-limit
 * refusal: RESOURCE_EXHAUSTED with the {@code retry-after-ms} trailer). Each RPC carries one
 * client event ({@link io.sup.realtime.messaging.ClientEvent}), whose rate limit the service
 * method checks.
 */
public final class MessagingGrpcEndpoint extends MessagingServiceGrpc.MessagingServiceImplBase {
    private final MessageService messages;
    private final ChatService chats;
    private final ReceiptService receipts;
    private final TypingService typing;
    private final RoomPresence presence;
    private final ReactionService reactions;

    /**
     * @param messages sending
     * @param chats    membership checks for join and leave
     * @param receipts delivery and read receipts
     * @param typing   typing indicators
     * @param presence  who is viewing a chat
     * @param reactions reactions
     */
    public MessagingGrpcEndpoint(MessageService messages, ChatService chats, ReceiptService receipts,
                                 TypingService typing, RoomPresence presence, ReactionService reactions) {
        this.presence = presence;
        this.reactions = reactions;
        this.messages = messages;
        this.chats = chats;
        this.receipts = receipts;
        this.typing = typing;
    }

    @Override
    public void addReaction(ReactionRequest request, StreamObserver<ReactionResponse> response) {
        react(request, response, true);
    }

    @Override
    public void removeReaction(ReactionRequest request, StreamObserver<ReactionResponse> response) {
        react(request, response, false);
    }

    private void react(ReactionRequest request, StreamObserver<ReactionResponse> response, boolean add) {
        String emoji = reactions.change(request.getChatId(), request.getMessageId(),
                ProtoMapping.actor(request.getCaller()).userId(), request.getEmoji(), add);
        response.onNext(ReactionResponse.newBuilder().setChatId(request.getChatId())
                .setMessageId(request.getMessageId()).setEmoji(emoji).build());
        response.onCompleted();
    }

    @Override
    public void getReactions(GetReactionsRequest request, StreamObserver<GetReactionsResponse> response) {
        GetReactionsResponse.Builder reply = GetReactionsResponse.newBuilder()
                .setChatId(request.getChatId()).setMessageId(request.getMessageId());
        for (Reaction r : reactions.of(request.getChatId(), request.getMessageId(),
                ProtoMapping.actor(request.getCaller()).userId())) {
            reply.addReactions(ReactionSummary.newBuilder().setEmoji(r.emoji()).setCount(r.count())
                    .addAllUserIds(r.userIds()));
        }
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void joinChats(JoinChatsRequest request, StreamObserver<JoinChatsResponse> response) {
        JoinChatsResponse.Builder reply = JoinChatsResponse.newBuilder();
        for (ChatService.JoinResult result : chats.requireMemberOfEach(request.getChatIdsList(),
                ProtoMapping.actor(request.getCaller()).userId())) {
            reply.addResults(JoinChatResult.newBuilder()
                    .setChatId(result.chatId())
                    .setJoined(result.refusal() == null)
                    .setErrorCode(result.refusal() == null ? "" : ProtoMapping.clientCode(result.refusal())));
        }
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void getActiveMembers(GetActiveMembersRequest request, StreamObserver<GetActiveMembersResponse> response) {
        List<String> users = chats.activeMembers(request.getChatId(), ProtoMapping.actor(request.getCaller()).userId(),
                presence);
        response.onNext(GetActiveMembersResponse.newBuilder().setChatId(request.getChatId()).addAllUserIds(users).build());
        response.onCompleted();
    }

    @Override
    public void syncMessages(SyncMessagesRequest request, StreamObserver<SyncMessagesResponse> response) {
        MessageService.SyncPage page = messages.sync(ProtoMapping.actor(request.getCaller()).userId(), request.getChatId(),
                request.getAfterSeq(), request.getLimit());
        response.onNext(SyncMessagesResponse.newBuilder()
                .setChatId(page.chatId())
                .addAllMessages(page.messages().stream().map(ProtoMapping::message).toList())
                .setHasMore(page.hasMore())
                .setTruncated(page.truncated())
                .setLastSeq(page.lastSeq())
                .build());
        response.onCompleted();
    }

    @Override
    public void startTyping(TypingRequest request, StreamObserver<TypingResponse> response) {
        typing.start(ProtoMapping.actor(request.getCaller()), request.getChatId());
        response.onNext(TypingResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void stopTyping(TypingRequest request, StreamObserver<TypingResponse> response) {
        typing.stop(ProtoMapping.actor(request.getCaller()), request.getChatId());
        response.onNext(TypingResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void markDelivered(ReceiptRequest request, StreamObserver<ReceiptResponse> response) {
        mark(ReceiptKind.DELIVERED, request, response);
    }

    @Override
    public void markRead(ReceiptRequest request, StreamObserver<ReceiptResponse> response) {
        mark(ReceiptKind.READ, request, response);
    }

    private void mark(ReceiptKind kind, ReceiptRequest request, StreamObserver<ReceiptResponse> response) {
        List<String> covered = receipts.mark(kind, request.getChatId(), ProtoMapping.actor(request.getCaller()).userId(),
                request.getMessageIdsList());
        response.onNext(ReceiptResponse.newBuilder().setChatId(request.getChatId()).addAllMessageIds(covered).build());
        response.onCompleted();
    }

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> response) {
        var stored = messages.send(ProtoMapping.actor(request.getCaller()), request.getChatId(), ProtoMapping.draft(request));
        response.onNext(SendMessageResponse.newBuilder().setMessage(ProtoMapping.message(stored)).build());
        response.onCompleted();
    }

    @Override
    public void joinChat(JoinChatRequest request, StreamObserver<JoinChatResponse> response) {
        chats.join(request.getChatId(), ProtoMapping.actor(request.getCaller()).userId());
        response.onNext(JoinChatResponse.newBuilder().setChatId(request.getChatId()).build());
        response.onCompleted();
    }

    @Override
    public void leaveChat(LeaveChatRequest request, StreamObserver<LeaveChatResponse> response) {
        chats.leave(request.getChatId(), ProtoMapping.actor(request.getCaller()).userId());
        response.onNext(LeaveChatResponse.newBuilder().setChatId(request.getChatId()).build());
        response.onCompleted();
    }
}
