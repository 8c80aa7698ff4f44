package io.sup.realtime.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
}
