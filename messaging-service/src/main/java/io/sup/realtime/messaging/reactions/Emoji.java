package io.sup.realtime.messaging.reactions;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.ibm.icu.text.UnicodeSet;

/**
 * Exactly one emoji: an RGI emoji (Unicode's "recommended for general interchange" set, UTS
 * #51, as ICU ships it: single emoji, ZWJ sequences, skin-tone and flag sequences, keycaps),
 * except a lone skin-tone modifier. Variation selector 16 (U+FE0F) is optional, so ❤ and ❤️
 * are one reaction: every accepted emoji is returned in its fully-qualified RGI form.
 */
public final class Emoji {
    private static final char VS16 = '\uFE0F';
    /** RGI emoji keyed by their text with every U+FE0F removed. */
    private static final Map<String, String> RGI_BY_BARE_FORM = load();

    private Emoji() {
    }

    private static Map<String, String> load() {
        UnicodeSet rgi = new UnicodeSet("[[:RGI_Emoji:]-[:Emoji_Modifier:]]").freeze();
        Map<String, String> byBare = new HashMap<>();
        for (String emoji : rgi) {
            byBare.putIfAbsent(bare(emoji), emoji);
        }
        return Map.copyOf(byBare);
    }

    private static String bare(String s) {
        return s.indexOf(VS16) < 0 ? s : s.replace(String.valueOf(VS16), "");
    }

    /** The fully-qualified form of {@code text} when it is exactly one emoji, else empty. */
    public static Optional<String> canonical(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        return Optional.ofNullable(RGI_BY_BARE_FORM.get(bare(text)));
    }
}
