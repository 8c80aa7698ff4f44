package io.sup.realtime.messaging.messages;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.sup.realtime.platform.grpc.ServiceException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which {@code @<userId>} of a text are mention candidates, and how the explicit list joins
 * them: user-id characters after an {@code @} that no user-id character precedes, trailing
 * {@code . : -} dropped, ids the platform rule refuses ignored; explicit ids checked, at most
 * 50; the result sorted, each once, without the sender. (Which candidates are members is the
 * append script's part: see {@code MentionsKeepOnlyMembersTest}.)
 */
class MentionsInTextFollowTheUserIdRuleTest {
    @Test
    void trailingPunctuationIsNotPartOfTheId() {
        assertEquals(Set.of("bob"), Mentions.inText("thanks @bob."));
        assertEquals(Set.of("bob", "carol", "dave"), Mentions.inText("@bob: see @carol- and (@dave)!"));
        assertEquals(Set.of("v1.2"), Mentions.inText("ping @v1.2..."), "inner dots stay");
    }

    @Test
    void anAtInsideAWordIsNoMentionButAnIdMayHoldAnAt() {
        assertEquals(Set.of(), Mentions.inText("write to a@b or x.y@example.com"));
        assertEquals(Set.of("alice@example.com"), Mentions.inText("cc @alice@example.com"));
        assertEquals(Set.of("bob"), Mentions.inText("line one\n@bob, line two"));
    }

    @Test
    void whatIsNoWellFormedIdIsIgnored() {
        assertEquals(Set.of(), Mentions.inText("@ @. @:- @"));
        assertEquals(Set.of(), Mentions.inText("@" + "x".repeat(129)), "longer than an id may be");
        assertEquals(Set.of("x".repeat(128)), Mentions.inText("@" + "x".repeat(128)));
        assertEquals(Set.of(), Mentions.inText("no mentions at all"));
    }

    @Test
    void atMostAHundredDistinctIdsAreTakenFromOneTextTheFirstOnes() {
        String text = IntStream.range(0, 150).mapToObj(i -> "@u" + i + " @u" + i).collect(Collectors.joining(" "));

        Set<String> found = Mentions.inText(text);

        assertEquals(Mentions.MAX_IN_TEXT, found.size());
        assertEquals(IntStream.range(0, 100).mapToObj(i -> "u" + i).collect(Collectors.toSet()), found);
    }

    @Test
    void candidatesJoinTheExplicitListSortedOnceWithoutTheSender() {
        assertEquals(List.of("bob", "carol", "dave"),
                Mentions.candidates("alice", List.of("dave", "bob", "alice"), "hi @carol and @bob, says @alice"));
        assertEquals(List.of("bob"), Mentions.candidates("alice", List.of("bob"), ""), "encrypted: the list only");
    }

    @Test
    void explicitIdsAreCheckedAndAtMostFifty() {
        List<String> fifty = IntStream.range(0, 50).mapToObj(i -> "u" + i).toList();
        assertEquals(50, Mentions.candidates("alice", fifty, "").size());

        List<String> fiftyOne = IntStream.range(0, 51).mapToObj(i -> "u" + i).toList();
        ServiceException tooMany = assertThrows(ServiceException.class,
                () -> Mentions.candidates("alice", fiftyOne, ""));
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, tooMany.kind());
        assertEquals("mentions holds at most 50 user ids, got 51", tooMany.getMessage());

        for (String bad : List.of("", "bad id", "x{y}", "x".repeat(129), "a,b")) {
            ServiceException malformed = assertThrows(ServiceException.class,
                    () -> Mentions.candidates("alice", List.of("bob", bad), ""), bad);
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT, malformed.kind());
            assertTrue(malformed.getMessage().startsWith("mentions must be user ids"), malformed.getMessage());
        }
    }
}
