package io.sup.realtime.messaging.delivery;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link RecentMembers} holds at most its bound of member ids, forgetting the chats messaged
 * least recently first; a chat above the member bound is not remembered, and forgotten when it
 * grows past it; a chat's members are replaced by what its latest message saw.
 */
class RecentMembersStayBoundedTest {
    @Test
    void theLeastRecentlyMessagedChatsAreForgottenFirstOnceTheIdsReachTheBound() {
        RecentMembers recent = new RecentMembers(6, 3);
        recent.saw("a", List.of("u1", "u2"));
        recent.saw("b", List.of("u3", "u4"));
        recent.saw("c", List.of("u5", "u6"));
        assertEquals(List.of("u1", "u2"), recent.of("a")); // a is now the most recently used

        recent.saw("d", List.of("u7", "u8", "u9"));

        assertEquals(List.of(), recent.of("b"), "b, least recently used, went first");
        assertEquals(List.of(), recent.of("c"), "then c, until the ids fit");
        assertEquals(List.of("u1", "u2"), recent.of("a"));
        assertEquals(List.of("u7", "u8", "u9"), recent.of("d"));
        assertEquals(5, recent.size());
        assertEquals(2, recent.chats());
    }

    @Test
    void aChatAboveTheMemberBoundIsNotRememberedAndOneThatGrowsPastItIsForgotten() {
        RecentMembers recent = new RecentMembers(1_000, 3);
        recent.saw("big", IntStream.range(0, 4).mapToObj(i -> "u" + i).toList());
        recent.saw("small", List.of("a", "b", "c"));

        recent.saw("small", List.of("a", "b", "c", "d"));

        assertEquals(List.of(), recent.of("big"));
        assertEquals(List.of(), recent.of("small"));
        assertEquals(0, recent.size());
    }

    @Test
    void aChatsLatestMembersReplaceItsEarlierOnes() {
        RecentMembers recent = new RecentMembers(1_000, 10);
        recent.saw("c", List.of("alice", "bob", "carol"));

        recent.saw("c", List.of("alice", "dave"));

        assertEquals(List.of("alice", "dave"), recent.of("c"));
        assertEquals(2, recent.size());
    }
}
