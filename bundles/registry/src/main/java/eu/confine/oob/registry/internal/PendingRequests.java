package eu.confine.oob.registry.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;

/**
 * The lifecycle events the follower posted and their outcomes, one per slice, so the same request is
 * not posted again while it is on its way or after it failed (the next try of a failed or unanswered
 * request comes only after a retry delay), and the operator sees what failed and why.
 */
final class PendingRequests {

    private static final Logger LOG = LoggerFactory.getLogger(PendingRequests.class);
    /** Prefix of the request ids of the follower's events; outcome handlers filter on it. */
    static final String REQUEST_PREFIX = "registry-";

    private final Map<SliceId, Pending> bySlice = new ConcurrentHashMap<>();
    private final Duration unansweredRetry;
    private final Duration failedRetry;

    private static final class Pending {
        final Change change;
        final String requestId;
        final Instant postedAt;
        volatile Event outcome;

        Pending(Change change, String requestId, Instant postedAt) {
            this.change = change;
            this.requestId = requestId;
            this.postedAt = postedAt;
        }

        boolean succeeded() {
            Event answer = outcome;
            return answer != null && !SliverEvents.SLIVER_FAILED.equals(answer.getTopic());
        }
    }

    /**
     * @param unansweredRetry how long a request may go without an outcome before it is posted again
     * @param failedRetry     how long after a failed request the same request is posted again
     */
    PendingRequests(Duration unansweredRetry, Duration failedRetry) {
        this.unansweredRetry = unansweredRetry;
        this.failedRetry = failedRetry;
    }

    /**
     * Whether the change must be posted now: not when the same request is still on its way or failed
     * recently (a success followed by the same difference means something else undid it: post again).
     */
    boolean due(Change change, Instant now) {
        Pending pending = bySlice.get(change.sliceId());
        if (pending == null || !pending.change.sameRequest(change) || pending.succeeded()) {
            return true;
        }
        Duration wait = pending.outcome == null ? unansweredRetry : failedRetry;
        return !now.isBefore(pending.postedAt.plus(wait));
    }

    /** Remembers a change about to be posted; returns its request id. */
    String posting(Change change, Instant now) {
        String requestId = REQUEST_PREFIX + UUID.randomUUID();
        bySlice.put(change.sliceId(), new Pending(change, requestId, now));
        return requestId;
    }

    /** Takes an outcome event of one of the follower's requests (called on an Event Admin thread: quick). */
    void outcome(Event event) {
        Object requestId = event.getProperty(SliverEvents.REQUEST_ID);
        for (Pending pending : bySlice.values()) {
            if (pending.requestId.equals(requestId)) {
                pending.outcome = event;
                if (SliverEvents.SLIVER_FAILED.equals(event.getTopic())) {
                    LOG.warn("Registry request {} failed: {}; tried again after {} s", pending.change,
                            event.getProperty(SliverEvents.REASON), failedRetry.toSeconds());
                }
                return;
            }
        }
    }

    /** Forgets the requests of slices that need no change any more. */
    void retainOnly(Set<SliceId> stillChanging) {
        bySlice.keySet().retainAll(stillChanging);
    }

    /** One line per request that has not succeeded: on its way, or failed with the reason. */
    List<String> notes(Instant now) {
        List<String> notes = new ArrayList<>();
        for (Pending pending : bySlice.values()) {
            Event answer = pending.outcome;
            if (answer == null) {
                notes.add(pending.change + " — posted " + Duration.between(pending.postedAt, now).toSeconds() + " s ago, no outcome yet");
            } else if (!pending.succeeded()) {
                notes.add(pending.change + " — FAILED: " + answer.getProperty(SliverEvents.REASON));
            }
        }
        notes.sort(null);
        return notes;
    }
}
