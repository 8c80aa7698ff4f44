package io.sup.realtime.notification.push;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.notification.notifications.Notification;
import io.sup.realtime.notification.notifications.NotificationStore;
import io.sup.realtime.platform.bus.RoutingRegistry;

/**
 * Sends the bursts that are due: one push per registered device with the burst's latest
 * notification and its count. A burst whose user has connected since (the routing registry
 * knows), or whose latest notification was read or cleared meanwhile, is dropped: the user
 * has seen it.
 */
public final class PushDispatcher {
    private static final int BATCH = 100;

    private final PushSchedule schedule;
    private final PushRegistrations registrations;
    private final NotificationStore notifications;
    private final RoutingRegistry routes;
    private final Consumer<PushMessage> delivery;
    private final Clock clock;
    private final Counter droppedConnected = dropped("connected");
    private final Counter droppedSeen = dropped("seen");
    private final Counter droppedNoDevice = dropped("no_device");

    /**
     * @param schedule      the bursts waiting
     * @param registrations the users' devices
     * @param notifications the users' notifications (the burst's latest)
     * @param routes        who is connected now
     * @param delivery      where each push goes (it returns at once; sending happens there)
     * @param clock         time source
     */
    public PushDispatcher(PushSchedule schedule, PushRegistrations registrations, NotificationStore notifications,
                          RoutingRegistry routes, Consumer<PushMessage> delivery, Clock clock) {
        this.schedule = schedule;
        this.registrations = registrations;
        this.notifications = notifications;
        this.routes = routes;
        this.delivery = delivery;
        this.clock = clock;
    }

    /**
     * Sends every burst due now, a batch at a time.
     *
     * @return how many pushes were handed to delivery
     */
    public int sweep() {
        int sent = 0;
        List<PushSchedule.Due> due;
        do {
            due = schedule.claimDue(clock.millis(), BATCH);
            for (PushSchedule.Due each : due) {
                sent += schedule.take(each).map(burst -> send(each.userId(), each.collapseKey(), burst)).orElse(0);
            }
        } while (due.size() == BATCH);
        return sent;
    }

    private int send(String userId, String collapseKey, PushSchedule.Burst burst) {
        if (!routes.connectedUsers(List.of(userId)).isEmpty()) {
            droppedConnected.increment();
            return 0;
        }
        Optional<Notification> latest = notifications.find(userId, burst.latestId()).filter(n -> !n.read());
        if (latest.isEmpty()) {
            droppedSeen.increment();
            return 0;
        }
        List<PushDevice> devices = registrations.devices(userId);
        if (devices.isEmpty()) {
            droppedNoDevice.increment();
            return 0;
        }
        Notification n = latest.get();
        for (PushDevice device : devices) {
            delivery.accept(new PushMessage(UUID.randomUUID().toString(), device, n.id(), n.type().wireName(),
                    n.priority().wireName(), n.title(), n.body(), n.sound(), n.badge(), burst.count(), collapseKey,
                    n.data().flattened(), n.createdAt()));
        }
        return devices.size();
    }

    private static Counter dropped(String reason) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("notification.push.dropped")
                .description("Due pushes not sent, by reason (connected, seen, no_device)")
                .tags(List.of(Tag.create("reason", reason))));
    }
}
