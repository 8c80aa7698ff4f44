package io.sup.realtime.tools;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each line typed into {@code sup client} means. */
class ClientInputTest {
    @Test
    void plainLineIsAMessageKeptAsTyped() {
        assertEquals(new ClientInput.Text("  hello there "), ClientInput.parse("  hello there "));
    }

    @Test
    void doubleSlashSendsTextStartingWithASlash() {
        assertEquals(new ClientInput.Text("/shrug"), ClientInput.parse("//shrug"));
    }

    @Test
    void joinNeedsExactlyOneChat() {
        assertEquals(new ClientInput.Join("c2"), ClientInput.parse("/join c2"));
        assertInstanceOf(ClientInput.Invalid.class, ClientInput.parse("/join"));
        assertInstanceOf(ClientInput.Invalid.class, ClientInput.parse("/join a b"));
    }

    @Test
    void sendTakesAnEventAndTheRestOfTheLineAsJson() {
        assertEquals(new ClientInput.Send("message:typing", "{\"chatId\": \"c1\"}"),
                ClientInput.parse("/send message:typing {\"chatId\": \"c1\"}"));
        assertEquals(new ClientInput.Send("presence:get", "{}"), ClientInput.parse("/send presence:get"));
        assertInstanceOf(ClientInput.Invalid.class, ClientInput.parse("/send"));
    }

    @Test
    void quitHelpEmptyAndUnknownCommands() {
        assertEquals(new ClientInput.Quit(), ClientInput.parse("/quit"));
        assertEquals(new ClientInput.Help(), ClientInput.parse("/help"));
        assertEquals(new ClientInput.Nothing(), ClientInput.parse("   "));
        assertInstanceOf(ClientInput.Invalid.class, ClientInput.parse("/frobnicate"));
    }

    @Test
    void statusTakesAStatusAndTheRestOfTheLineAsCustomStatus() {
        assertEquals(new ClientInput.SetStatus("away", null), ClientInput.parse("/status away"), "none: unchanged");
        assertEquals(new ClientInput.SetStatus("busy", "in a  meeting"), ClientInput.parse("  /status busy   in a  meeting  "));
        assertEquals(new ClientInput.SetStatus("online", ""), ClientInput.parse("/status online --clear"), "--clear: cleared");
        assertEquals(new ClientInput.SetStatus("offline", null), ClientInput.parse("/status OFFLINE"));
    }

    @Test
    void statusSaysWhatIsWrongWithTheStatusWord() {
        assertEquals("unknown status 'sleeping': one of online, away, busy, offline"
                        + " (usage: /status <online|away|busy|offline> [custom status text | --clear])",
                problem("/status sleeping zzz"));
        assertTrue(problem("/status").startsWith("usage: /status"), problem("/status"));
        assertTrue(problem("/status away --clear later").startsWith("--clear takes no text"), problem("/status away --clear later"));
    }

    @Test
    void customStatusIsAtMostAHundredUserVisibleCharacters() {
        assertEquals(new ClientInput.SetStatus("away", "x".repeat(100)), ClientInput.parse("/status away " + "x".repeat(100)));
        assertEquals("custom status too long: 101 characters, at most 100", problem("/status away " + "x".repeat(101)));
        String family = "\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // one character, 8 UTF-16 units
        assertEquals(new ClientInput.SetStatus("busy", family.repeat(100)), ClientInput.parse("/status busy " + family.repeat(100)));
        assertEquals("custom status too long: 101 characters, at most 100", problem("/status busy " + family.repeat(101)));
    }

    @Test
    void watchAndUnwatchTakeOneToAHundredUsersEachOnce() {
        assertEquals(new ClientInput.Watch(List.of("bob")), ClientInput.parse("/watch bob"));
        assertEquals(new ClientInput.Watch(List.of("bob", "carol")), ClientInput.parse("/watch  bob carol\tbob "));
        assertEquals(new ClientInput.Unwatch(List.of("carol", "dave")), ClientInput.parse("/unwatch carol dave"));
        assertEquals("usage: /watch <user> [user...]", problem("/watch"));
        assertEquals("usage: /unwatch <user> [user...]", problem("/unwatch  "));

        List<String> hundred = IntStream.rangeClosed(1, 100).mapToObj(i -> "u" + i).toList();
        assertEquals(new ClientInput.Watch(hundred), ClientInput.parse("/watch " + String.join(" ", hundred)));
        assertEquals("/watch takes at most 100 users at once, not 101", problem("/watch " + String.join(" ", hundred) + " u101"));
    }

    @Test
    void helpListsThePresenceCommands() {
        assertTrue(ClientInput.HELP.contains("/status <status> [text]") && ClientInput.HELP.contains("--clear")
                && ClientInput.HELP.contains("/watch <user>...") && ClientInput.HELP.contains("/unwatch <user>..."), ClientInput.HELP);
    }

    private static String problem(String line) {
        return assertInstanceOf(ClientInput.Invalid.class, ClientInput.parse(line)).problem();
    }
}
