package io.sup.realtime.messaging.messages;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;

/**
 * Who a message may mention, before membership is known: the sender's explicit list plus
 * every {@code @<userId>} in plain content. Membership is decided in the append script,
 * which keeps only the members among these candidates (see {@code lua/append_message.lua}),
 * so finding mentions adds no Redis round trip.
 *
 * <p>In text, a mention is {@code @} followed by user-id characters ({@code [A-Za-z0-9_.:@-]},
 * {@link Ids}), where the {@code @} does not follow such a character (so the {@code @} inside
 * an address like {@code a@b} is no mention), with trailing {@code .}, {@code :} and
 * {@code -} dropped as punctuation: "thanks @bob." mentions {@code bob}, "@alice@example.com"
 * mentions {@code alice@example.com}.
 */
final class Mentions {
    /** Most ids in a request's explicit list. */
    static final int MAX_EXPLICIT = 50;
    /**
     * Most distinct ids taken from one message's text (the first ones, in text order); more
     * are not mentions. Bounds the script's arguments, whatever the content holds.
     */
    static final int MAX_IN_TEXT = 100;

    private static final Pattern IN_TEXT = Pattern.compile("(?<![A-Za-z0-9_.:@-])@([A-Za-z0-9_.:@-]+)");

    private Mentions() {
    }

    /**
     * The candidates of one message: {@code explicit} and the mentions in {@code plainContent}
     * (empty for encrypted content), sorted, each once, without the sender.
     *
     * @throws ServiceException INVALID_ARGUMENT for more than {@value #MAX_EXPLICIT} explicit
     *     ids or a malformed one
     */
    static List<String> candidates(String senderId, List<String> explicit, String plainContent) {
        if (explicit.size() > MAX_EXPLICIT) {
            throw ServiceException.invalidArgument("mentions holds at most " + MAX_EXPLICIT + " user ids, got "
                    + explicit.size());
        }
        Set<String> candidates = new TreeSet<>();
        for (String userId : explicit) {
            if (!Ids.isValid(userId)) {
                throw ServiceException.invalidArgument("mentions must be user ids of 1-" + Ids.MAX_LENGTH
                        + " characters of A-Z a-z 0-9 _ . : @ -");
            }
            candidates.add(userId);
        }
        candidates.addAll(inText(plainContent));
        candidates.remove(senderId);
        return List.copyOf(candidates);
    }

    /** The distinct well-formed {@code @<userId>} of {@code text}, at most {@value #MAX_IN_TEXT}. */
    static Set<String> inText(String text) {
        Set<String> found = new TreeSet<>();
        if (text.indexOf('@') < 0) {
            return found; // most messages: no scan
        }
        Matcher m = IN_TEXT.matcher(text);
        while (m.find() && found.size() < MAX_IN_TEXT) {
            String userId = withoutTrailingPunctuation(m.group(1));
            if (Ids.isValid(userId)) {
                found.add(userId);
            }
        }
        return found;
    }

    private static String withoutTrailingPunctuation(String token) {
        int end = token.length();
        while (end > 0 && ".:-".indexOf(token.charAt(end - 1)) >= 0) {
            end--;
        }
        return token.substring(0, end);
    }
}
