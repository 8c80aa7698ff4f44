package io.sup.realtime.presence.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.presence.visibility.SharedChats;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.SharedChatUsersRequest;

/**
 * {@link SharedChats} from messaging-service ({@code ChatAdminService.SharedChatUsers}, one
 * call per question however many candidates, in chunks of its 1,000), with each pair's answer
 * kept for a few seconds (Caffeine, expiring after write): a change of membership reaches
 * presence within that time. Sharing a chat is symmetric, so a pair is cached once, either way
 * round.
 */
public final class MessagingSharedChats implements SharedChats {
    /** Most candidates messaging takes in one call. */
    private static final int CHUNK = 1_000;

    private final ChatAdminServiceGrpc.ChatAdminServiceBlockingStub messaging;
    private final Duration deadline;
    private final Cache<Pair, Boolean> answers;

    /**
     * @param messagingChannel the channel to messaging-service
     * @param deadline         the deadline of each call
     * @param cacheFor         how long an answer is kept (zero: not kept)
     * @param cacheSize        most pairs kept
     */
    public MessagingSharedChats(Channel messagingChannel, Duration deadline, Duration cacheFor, long cacheSize) {
        this.messaging = ChatAdminServiceGrpc.newBlockingStub(messagingChannel);
        this.deadline = deadline;
        this.answers = Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(cacheFor.isZero() ? 0 : cacheSize).build();
    }

    @Override
    public Set<String> sharingAChatWith(String userId, Collection<String> candidates) {
        Set<String> sharing = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String candidate : candidates) {
            Boolean known = answers.getIfPresent(Pair.of(userId, candidate));
            if (known == null) {
                unknown.add(candidate);
            } else if (known) {
                sharing.add(candidate);
            }
        }
        for (int from = 0; from < unknown.size(); from += CHUNK) {
            List<String> chunk = unknown.subList(from, Math.min(unknown.size(), from + CHUNK));
            Set<String> answer = ask(userId, chunk);
            for (String candidate : chunk) {
                answers.put(Pair.of(userId, candidate), answer.contains(candidate));
            }
            sharing.addAll(answer);
        }
        return sharing;
    }

    private Set<String> ask(String userId, List<String> candidates) {
        try {
            return Set.copyOf(messaging.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .sharedChatUsers(SharedChatUsersRequest.newBuilder().setUserId(userId)
                            .addAllCandidateIds(candidates).build())
                    .getUserIdsList());
        } catch (StatusRuntimeException e) {
            throw ServiceException.unavailable("who shares a chat cannot be learnt now, retry later ("
                    + e.getStatus().getCode() + ")");
        }
    }

    /** An unordered pair of users. */
    private record Pair(String first, String second) {
        static Pair of(String a, String b) {
            return a.compareTo(b) <= 0 ? new Pair(a, b) : new Pair(b, a);
        }
    }
}
