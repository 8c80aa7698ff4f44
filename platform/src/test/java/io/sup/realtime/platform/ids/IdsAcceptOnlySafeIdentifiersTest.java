package io.sup.realtime.platform.ids;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Ids#isValid}: 1 to 128 characters of {@code [A-Za-z0-9_.:@-]}, so an id is safe
 * inside a Redis hash tag, a key and a log line.
 */
class IdsAcceptOnlySafeIdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "0", "alice", "user_42", "chat:c42", "gw-a.17", "bob@example.com",
            "A-Za-z0-9_.:@-", "550e8400-e29b-41d4-a716-446655440000"})
    void wellFormedIdsAreValid(String id) {
        assertTrue(Ids.isValid(id), id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "{alice}", "a{b", "a}b", "a/b", "a*b", "a,b", "a\"b", "a\\b",
            "é", "ａ", "a\n", "\nalice", "alice\u0000", "a\tb", "user#1", "a+b"})
    void idsWithOtherCharactersAreInvalid(String id) {
        assertFalse(Ids.isValid(id), () -> "accepted " + id.codePoints().boxed().toList());
    }

    @Test
    void nullIsInvalid() {
        assertFalse(Ids.isValid(null));
    }

    @Test
    void lengthIsCappedAtMaxLength() {
        assertTrue(Ids.isValid("x".repeat(Ids.MAX_LENGTH)));
        assertFalse(Ids.isValid("x".repeat(Ids.MAX_LENGTH + 1)));
        assertFalse(Ids.isValid("x".repeat(100_000)));
    }
}
