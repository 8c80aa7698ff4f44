package io.sup.realtime.presence.visibility;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.presence.status.PresenceService;

/**
 * Who may see whom: A may see B's presence when A is B, when B has listed A as a contact
 * (B decides who sees B; internal backends set the lists, {@link #setContacts}), or when A
 * and B share a chat ({@link SharedChats}). Asked at subscription time and again at every
 * change, so a permission that ends stops the updates.
 */
public final class Visibility {
    private static final Logger LOG = System.getLogger(Visibility.class.getName());
    /** Most users on one contact list. */
    public static final int MAX_CONTACTS = 5_000;

    private final ContactStore contacts;
    private final SharedChats sharedChats;

    /**
     * @param contacts    contact lists
     * @param sharedChats who shares a chat with whom
     */
    public Visibility(ContactStore contacts, SharedChats sharedChats) {
        this.contacts = contacts;
        this.sharedChats = sharedChats;
    }

    /**
     * Of {@code targets}, those {@code viewer} may see, in order; the contact reads share a
     * round trip with {@code check}.
     *
     * @throws ServiceException RESOURCE_EXHAUSTED when {@code check} refuses; UNAVAILABLE
     *     when who shares a chat with {@code viewer} cannot be learnt
     */
    public List<String> visibleTo(String viewer, List<String> targets, RateCheck check) {
        return visibleTo(viewer, targets, contacts.listing(targets, viewer, check));
    }

    /**
     * Of {@code targets}, those {@code viewer} may see, in order, for internal callers that
     * apply the same rule (call-signalling: who may call whom) and check no rate limit.
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed id or more than
     *     {@value PresenceService#MAX_BATCH} targets; UNAVAILABLE when who shares a chat with
     *     {@code viewer} cannot be learnt
     */
    public List<String> visibleTo(String viewer, List<String> targets) {
        PresenceService.requireUserId(viewer);
        if (targets.isEmpty() || targets.size() > PresenceService.MAX_BATCH) {
            throw ServiceException.invalidArgument("userIds must hold 1-" + PresenceService.MAX_BATCH + " users");
        }
        targets.forEach(PresenceService::requireUserId);
        return visibleTo(viewer, targets, contacts.listing(targets, viewer));
    }

    private List<String> visibleTo(String viewer, List<String> targets, Set<String> listing) {
        Set<String> rest = new LinkedHashSet<>(targets);
        rest.remove(viewer);
        rest.removeAll(listing);
        Set<String> sharing = rest.isEmpty() ? Set.of() : sharedChats.sharingAChatWith(viewer, rest);
        return targets.stream().filter(t -> t.equals(viewer) || listing.contains(t) || sharing.contains(t)).toList();
    }

    /**
     * Of {@code viewers}, those who may see {@code target}. When who shares a chat cannot be
     * learnt, only the target and its contacts are answered (never more than the rule allows).
     */
    public Set<String> mayWatch(String target, Collection<String> viewers) {
        Set<String> allowed = new HashSet<>(contacts.listedBy(target, viewers));
        if (viewers.contains(target)) {
            allowed.add(target);
        }
        Set<String> rest = new LinkedHashSet<>(viewers);
        rest.removeAll(allowed);
        if (!rest.isEmpty()) {
            try {
                allowed.addAll(sharedChats.sharingAChatWith(target, rest));
            } catch (ServiceException e) {
                LOG.log(Level.WARNING, "presence change told to contacts only: shared chats unknown (" + e.getMessage() + ")");
            }
        }
        return allowed;
    }

    /**
     * Replaces {@code userId}'s contact list.
     *
     * @return the number of contacts stored
     * @throws ServiceException INVALID_ARGUMENT for a malformed id or more than {@value #MAX_CONTACTS}
     */
    public int setContacts(String userId, List<String> contactIds) {
        PresenceService.requireUserId(userId);
        Set<String> ids = new LinkedHashSet<>(contactIds);
        if (ids.size() > MAX_CONTACTS) {
            throw ServiceException.invalidArgument("a contact list holds at most " + MAX_CONTACTS + " users");
        }
        ids.forEach(PresenceService::requireUserId);
        contacts.replace(userId, ids);
        return ids.size();
    }

    /**
     * {@code userId}'s contact list, sorted.
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed id
     */
    public List<String> contactsOf(String userId) {
        PresenceService.requireUserId(userId);
        return contacts.of(userId);
    }
}
