package eu.confine.oob.registry.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.SliceId;

/**
 * The staleness policy: with a limit, logins are refused while the last good registry state is older
 * than the limit (or there never was one); without a limit (zero), the node keeps serving.
 */
final class Staleness {

    private static final Logger LOG = LoggerFactory.getLogger(Staleness.class);

    private final Duration limit;
    private final Clock clock;
    private boolean reportedStale;

    Staleness(Duration limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    Duration limit() {
        return limit;
    }

    /** Whether logins must be refused now for a last good state of that time. */
    boolean stale(Optional<Instant> lastGood) {
        if (limit.isZero()) {
            return false;
        }
        return lastGood.isEmpty() || Duration.between(lastGood.get(), clock.instant()).compareTo(limit) > 0;
    }

    /** The one-line refusal for a login to the slice, if logins are refused now. */
    Optional<String> refusal(SliceId sliceId, Optional<Instant> lastGood) {
        if (!stale(lastGood)) {
            return Optional.empty();
        }
        return Optional.of("slice " + sliceId + ": login refused: " + describe(lastGood)
                + ", over the staleness limit of " + Durations.text(limit));
    }

    /** Logs when logins become refused, and when they are allowed again; called after every sync. */
    synchronized void log(Optional<Instant> lastGood) {
        boolean stale = stale(lastGood);
        if (stale && !reportedStale) {
            LOG.warn("Registry state is too old: {}, over the staleness limit of {}: SSH logins are refused until a sync succeeds",
                    describe(lastGood), Durations.text(limit));
        } else if (!stale && reportedStale) {
            LOG.info("Registry state is fresh again: SSH logins are allowed");
        }
        reportedStale = stale;
    }

    private String describe(Optional<Instant> lastGood) {
        return lastGood.map(time -> "the last good registry state is " + Durations.text(Duration.between(time, clock.instant()))
                + " old (" + time + ")").orElse("no registry state was ever fetched");
    }
}
