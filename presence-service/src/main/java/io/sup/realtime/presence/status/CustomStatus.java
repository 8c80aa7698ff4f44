package io.sup.realtime.presence.status;

import java.nio.charset.StandardCharsets;

import com.ibm.icu.text.BreakIterator;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.json.ProtoJson;

/**
 * The rules of a custom status ("in a meeting", "🏖️ on holiday"): at most
 * {@value #MAX_CHARACTERS} user-visible characters, counted as Unicode extended grapheme
 * clusters (UAX #29, ICU4J's character break iterator), so an emoji made of several code
 * points (👨‍👩‍👧‍👦, 🇫🇷, 👍🏽) counts as one; and at most {@value #MAX_BYTES} UTF-8 bytes (a hundred of
 * the longest RGI emoji fit), since
 * one cluster can hold any number of combining marks. Refused anywhere in the text: control
 * characters (C0, DEL, C1: line breaks and tabs included) and the line and paragraph
 * separators (U+2028, U+2029), the bidirectional embedding,
 * override and isolate controls (U+202A-U+202E, U+2066-U+2069, which reorder the text around
 * them, the "Trojan Source" trick), and unpaired surrogates (not text at all).
 */
public final class CustomStatus {
    /** Most user-visible characters. */
    public static final int MAX_CHARACTERS = 100;
    /** Most UTF-8 bytes. */
    public static final int MAX_BYTES = 4096;

    private CustomStatus() {
    }

    /**
     * Checks {@code text} (empty means "clear it", always allowed).
     *
     * @return {@code text}, unchanged
     * @throws ServiceException INVALID_ARGUMENT naming the rule broken (never quoting the text)
     */
    public static String require(String text) {
        if (text.isEmpty()) {
            return text;
        }
        if (!ProtoJson.isValidUnicode(text)) {
            throw ServiceException.invalidArgument("customStatus holds an unpaired surrogate");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i); // a surrogate is neither a control nor a bidi character
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw ServiceException.invalidArgument("customStatus may not hold control characters or line breaks");
            } else if ((c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
                throw ServiceException.invalidArgument("customStatus may not hold bidirectional override characters");
            }
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw ServiceException.invalidArgument("customStatus is longer than " + MAX_BYTES + " bytes");
        }
        if (graphemes(text) > MAX_CHARACTERS) {
            throw ServiceException.invalidArgument("customStatus is longer than " + MAX_CHARACTERS + " characters");
        }
        return text;
    }

    /** The number of extended grapheme clusters in {@code text}. */
    static int graphemes(String text) {
        BreakIterator clusters = BreakIterator.getCharacterInstance();
        clusters.setText(text);
        int count = 0;
        while (clusters.next() != BreakIterator.DONE) {
            count++;
        }
        return count;
    }
}
