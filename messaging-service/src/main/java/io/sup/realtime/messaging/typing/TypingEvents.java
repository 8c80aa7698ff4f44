package io.sup.realtime.messaging.typing;

/** Where typing changes are announced: to connections viewing the chat, except the typist's own. */
public interface TypingEvents {
    /** {@code typist} started typing ({@code message:typing}). */
    void started(Typist typist);

    /** {@code typist} stopped, disconnected or timed out ({@code message:stop-typing}). */
    void stopped(Typist typist);
}
