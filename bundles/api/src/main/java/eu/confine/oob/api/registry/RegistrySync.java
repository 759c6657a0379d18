package eu.confine.oob.api.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/** The node's registry follower: how the last sync went, when the next one comes, and how old the node's copy is. */
public interface RegistrySync {

    /** The follower's state now. */
    Status status();

    /**
     * Syncs with the registry at once, on the follower's own thread, and returns the state after it.
     *
     * @throws IllegalStateException if the follower is disabled (no registry configured)
     * @throws TimeoutException      if the sync has not finished within the timeout (it still finishes later)
     */
    Status syncNow(Duration timeout) throws InterruptedException, TimeoutException;

    /**
     * @param at                  when this state was taken
     * @param enabled             whether a registry is configured; nothing else is meaningful when not
     * @param registry            the URI of this node's resource in the registry (empty when disabled)
     * @param lastAttempt         when the last sync started
     * @param lastSuccess         when the last successful sync started
     * @param lastResult          one line: {@code ok: ...} or {@code failed: ...} with the reason
     * @param consecutiveFailures failed syncs since the last success
     * @param nextSync            when the next sync is due
     * @param resources           registry resources read by the last sync
     * @param etags               cached resources that carry an ETag (asked for with If-None-Match)
     * @param notModified         resources the registry answered with 304 Not Modified in the last sync
     * @param snapshotTime        when the node's copy of the registry state (persisted) was fetched
     * @param stalenessLimit      age after which logins are refused; zero: always keep serving
     * @param loginsRefused       whether logins are refused now because the copy is too old
     * @param notes               one line per sliver that is not as the registry wants it, and why
     */
    record Status(Instant at, boolean enabled, String registry, Optional<Instant> lastAttempt, Optional<Instant> lastSuccess,
                  String lastResult, int consecutiveFailures, Optional<Instant> nextSync, int resources, int etags,
                  int notModified, Optional<Instant> snapshotTime, Duration stalenessLimit, boolean loginsRefused,
                  List<String> notes) {

        public Status {
            notes = List.copyOf(notes);
        }

        /** The age of the node's copy of the registry state at {@link #at}, if there is one. */
        public Optional<Duration> snapshotAge() {
            return snapshotTime.map(time -> Duration.between(time, at));
        }
    }
}
