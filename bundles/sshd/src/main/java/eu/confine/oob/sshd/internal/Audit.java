package eu.confine.oob.sshd.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.SliverEvents;

/**
 * The audit trail: one INFO line per login success or refusal and per channel opened or closed, and the
 * {@link SliverEvents#SESSION_OPENED} / {@link SliverEvents#SESSION_CLOSED} events.
 */
final class Audit {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
    private static final int MAX_EVENT_COMMAND = 4096;

    private final Supplier<EventAdmin> events;
    private final Clock clock;
    private final AtomicLong loggedIn = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** @param events the Event Admin now, or null while it is away (then only the log lines are written) */
    Audit(Supplier<EventAdmin> events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    /** Logins since the front end started. */
    long loggedInCount() {
        return loggedIn.get();
    }

    /** Connections refused since the front end started: each counted once, at its first refused key or its close. */
    long refusedCount() {
        return refused.get();
    }

    void loggedIn(LiveSession session) {
        loggedIn.incrementAndGet();
        LOG.info("auth ok: slice {} from {} key {} (session {})", session.grant().sliceId(), session.source(),
                session.grant().fingerprint(), session.id());
    }

    /**
     * A refused key.
     *
     * @param firstOfConnection whether it is the connection's first refusal (counted)
     */
    void refused(String user, String source, String fingerprint, String reason, boolean firstOfConnection) {
        if (firstOfConnection) {
            refused.incrementAndGet();
        }
        LOG.info("auth refused: user '{}' from {} key {}: {}", Printable.of(user), source, fingerprint, reason);
    }

    /**
     * A connection that ended without a login.
     *
     * @param counted whether a refused key counted it already
     */
    void abandoned(String user, String source, String reason, boolean counted) {
        if (!counted) {
            refused.incrementAndGet();
        }
        LOG.info("auth failed: {} from {}: {}", user == null ? "no user" : "user '" + Printable.of(user) + "'", source, reason);
    }

    void closed(LiveSession session, String reason) {
        LOG.info("logout: slice {} from {} (session {}) after {} s{}", session.grant().sliceId(), session.source(),
                session.id(), Duration.between(session.started(), clock.instant()).toSeconds(),
                reason == null ? "" : ": " + reason);
    }

    void channelOpened(LiveSession session, ChannelUse use) {
        LOG.info("session opened: slice {} from {} key {} (session {}) type {}{}", session.grant().sliceId(),
                session.source(), session.grant().fingerprint(), session.id(), use.type(), commandPart(use));
        post(new Event(SliverEvents.SESSION_OPENED, properties(session, use)));
    }

    void channelClosed(LiveSession session, ChannelUse use) {
        Duration duration = use.duration(clock.instant());
        LOG.info("session closed: slice {} from {} key {} (session {}) type {}{}, bytes in {} out {}, {} ms",
                session.grant().sliceId(), session.source(), session.grant().fingerprint(), session.id(), use.type(),
                commandPart(use), use.bytesIn(), use.bytesOut(), duration.toMillis());
        Map<String, Object> properties = properties(session, use);
        properties.put(SliverEvents.BYTES_IN, use.bytesIn());
        properties.put(SliverEvents.BYTES_OUT, use.bytesOut());
        properties.put(SliverEvents.DURATION_MS, duration.toMillis());
        post(new Event(SliverEvents.SESSION_CLOSED, properties));
    }

    private void post(Event event) {
        EventAdmin admin = events.get();
        if (admin == null) {
            LOG.warn("No Event Admin: {} for session {} not posted", event.getTopic(), event.getProperty(SliverEvents.SESSION_ID));
            return;
        }
        admin.postEvent(event);
    }

    private static Map<String, Object> properties(LiveSession session, ChannelUse use) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(SliverEvents.SLICE_ID, session.grant().sliceId().value());
        properties.put(SliverEvents.SESSION_ID, session.id());
        properties.put(SliverEvents.SESSION_TYPE, use.type());
        properties.put(SliverEvents.SOURCE, session.source());
        properties.put(SliverEvents.KEY_FINGERPRINT, session.grant().fingerprint());
        String command = use.command();
        properties.put(SliverEvents.COMMAND, command.length() > MAX_EVENT_COMMAND ? command.substring(0, MAX_EVENT_COMMAND) : command);
        return properties;
    }

    private static String commandPart(ChannelUse use) {
        return use.command().isEmpty() ? "" : " command '" + Printable.of(use.command()) + "'";
    }
}
