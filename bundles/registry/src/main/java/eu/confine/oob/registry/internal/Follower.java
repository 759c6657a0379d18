package eu.confine.oob.registry.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.osgi.service.event.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import eu.confine.oob.api.AdminKeyPolicy;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.registry.RegistrySync;

/**
 * Keeps the node in step with the registry: every poll interval (on its own thread, never an Event
 * Admin thread) it reads the registry, saves the state as the snapshot and posts the lifecycle events
 * that make the records match it. A sync either fully succeeds or changes nothing; after a failure the
 * next try comes after 1, 2, 4, then 8 poll intervals. Until the first success after a start, the
 * persisted snapshot is followed, removing nothing.
 */
final class Follower {

    private static final Logger LOG = LoggerFactory.getLogger(Follower.class);
    /** How soon a sync is tried again while changes wait for the bundles that take them. */
    private static final Duration HANDLER_RETRY = Duration.ofSeconds(2);

    private final Settings settings;
    private final RegistryClient client;
    private final RegistryReader reader;
    private final KeySelection keys;
    private final SliverRecords records;
    private final Predicate<String> containerExists;
    private final Consumer<Event> post;
    /** Whether an event handler takes a topic now: right after a boot the bundles that do may not be active yet. */
    private final Predicate<String> taken;
    private final SnapshotFile snapshots;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final PendingRequests pending;
    private final Staleness staleness;

    private volatile Instant lastAttempt;
    private volatile Instant lastSuccess;
    private volatile Instant nextSync;
    private volatile Instant snapshotTime;
    private volatile String lastResult = "no sync yet";
    private volatile int failures;
    private volatile int resources;
    private volatile int notModified;
    private volatile List<String> notes = List.of();
    private volatile boolean stopped;
    /** Executor thread only: the loaded snapshot, until it was followed or a sync succeeded. */
    private Snapshot offline;
    private String lastFailure = "";
    private ScheduledFuture<?> scheduled;
    /** Executor thread only: changes of the last sync were held back because nothing took their topic yet. */
    private int waitingForHandlers;

    Follower(Settings settings, RegistryClient client, SliverRecords records, Predicate<String> containerExists,
             AdminKeyPolicy keyPolicy, Consumer<Event> post, Predicate<String> taken, Clock clock, ScheduledExecutorService executor) {
        this.settings = settings;
        this.client = client;
        this.reader = new RegistryReader(client, settings, clock);
        this.keys = new KeySelection(keyPolicy);
        this.records = records;
        this.containerExists = containerExists;
        this.post = post;
        this.taken = taken;
        this.snapshots = new SnapshotFile(settings.snapshotFile());
        this.clock = clock;
        this.executor = executor;
        Duration poll = settings.pollInterval();
        this.pending = new PendingRequests(max(poll.multipliedBy(2), Duration.ofSeconds(30)), max(poll.multipliedBy(10), Duration.ofMinutes(1)));
        this.staleness = new Staleness(settings.stalenessLimit(), clock);
    }

    /** Loads the snapshot and syncs at once, then every poll interval. */
    void start() {
        executor.execute(() -> {
            offline = snapshots.load(settings.nodeUri()).orElse(null);
            if (offline != null) {
                snapshotTime = offline.fetchedAt();
                LOG.info("Registry snapshot of {} loaded from {}: {} sliver(s), {} old", offline.fetchedAt(), snapshots.path(),
                        offline.slivers().size(), Durations.text(Duration.between(offline.fetchedAt(), clock.instant())));
            }
            sync();
        });
    }

    /** Posts nothing any more; the owner shuts the executor down. */
    void stop() {
        stopped = true;
    }

    /** Syncs now on the follower's thread and waits for it. */
    RegistrySync.Status syncNow(Duration timeout) throws InterruptedException, TimeoutException {
        Future<?> done = executor.submit(this::sync);
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("registry sync failed: " + e.getCause(), e.getCause());
        }
        return status();
    }

    RegistrySync.Status status() {
        List<String> all = new ArrayList<>(notes);
        all.addAll(pending.notes(clock.instant()));
        return new RegistrySync.Status(clock.instant(), true, settings.nodeUri().toString(), Optional.ofNullable(lastAttempt),
                Optional.ofNullable(lastSuccess), lastResult, failures, Optional.ofNullable(nextSync), resources, client.etags(),
                notModified, Optional.ofNullable(snapshotTime), staleness.limit(), staleness.stale(Optional.ofNullable(snapshotTime)), all);
    }

    Optional<String> refusal(SliceId sliceId) {
        return staleness.refusal(sliceId, Optional.ofNullable(snapshotTime));
    }

    /** Takes an outcome event of one of the follower's requests. */
    void outcome(Event event) {
        pending.outcome(event);
    }

    private void sync() {
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        Instant started = clock.instant();
        lastAttempt = started;
        client.startSync();
        try {
            RegistryState state = reader.read();
            Map<SliceId, DesiredSliver> desired = keys.select(state);
            SliverDiff.Plan plan = SliverDiff.plan(desired, records.all(), true, containerExists);
            save(new Snapshot(settings.nodeUri(), started, List.copyOf(desired.values())));
            int posted = apply(plan, started);
            client.retainOnly(state.resources());
            List<String> allNotes = new ArrayList<>(state.notes());
            allNotes.addAll(plan.notes());
            notes = allNotes;
            succeeded(started, desired.size(), posted);
        } catch (RegistryException e) {
            failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.error("Registry sync failed", e);
            failed(e.toString());
        } finally {
            resources = client.read();
            notModified = client.notModified();
        }
        staleness.log(Optional.ofNullable(snapshotTime));
        Duration delay = failures == 0 ? settings.pollInterval() : settings.pollInterval().multipliedBy(1L << Math.min(failures - 1, 3));
        if (waitingForHandlers > 0 && delay.compareTo(HANDLER_RETRY) > 0) {
            delay = HANDLER_RETRY;
        }
        nextSync = clock.instant().plus(delay);
        if (!stopped) {
            scheduled = executor.schedule(this::sync, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void save(Snapshot snapshot) {
        try {
            snapshots.save(snapshot);
        } catch (IOException | RuntimeException e) {
            LOG.error("Registry snapshot {} not saved, a restart while the registry is unreachable will use an older one: {}",
                    snapshots.path(), e.toString());
        }
    }

    /** Posts the changes that are due and taken by a handler; the others wait for a sync soon ({@link #waitingForHandlers}). */
    private int apply(SliverDiff.Plan plan, Instant now) {
        int posted = 0;
        int waiting = 0;
        for (Change change : plan.changes()) {
            if (!stopped && pending.due(change, now) && !taken.test(change.topic())) {
                waiting++;
            } else if (!stopped && pending.due(change, now)) {
                String requestId = pending.posting(change, now);
                LOG.info("Registry: {} (request {})", change, requestId);
                post.accept(change.event(requestId));
                posted++;
            }
        }
        pending.retainOnly(plan.changes().stream().map(Change::sliceId).collect(Collectors.toSet()));
        if (waiting > 0 && waitingForHandlers == 0) {
            LOG.info("Registry: {} change(s) wait for the bundles that take them (not active yet); trying again every {} s",
                    waiting, HANDLER_RETRY.toSeconds());
        }
        waitingForHandlers = waiting;
        return posted;
    }

    private void succeeded(Instant started, int slivers, int posted) {
        if (failures > 0) {
            LOG.info("Registry sync succeeded again after {} failed one(s)", failures);
        }
        failures = 0;
        lastFailure = "";
        offline = null;
        lastSuccess = started;
        snapshotTime = started;
        lastResult = "ok: " + slivers + " sliver(s) for this node, " + posted + " event(s) posted";
        LOG.debug("Registry sync: {}", lastResult);
    }

    private void failed(String reason) {
        failures++;
        lastResult = "failed: " + reason;
        String kept = snapshotTime == null ? "no registry state fetched yet"
                : "keeping the registry state of " + snapshotTime + " (" + Durations.text(Duration.between(snapshotTime, clock.instant())) + " old)";
        if (!reason.equals(lastFailure)) {
            LOG.warn("Registry sync failed ({} in a row): {}; nothing changed, {}", failures, reason, kept);
        } else {
            LOG.debug("Registry sync failed ({} in a row): {}", failures, reason);
        }
        lastFailure = reason;
        if (offline != null) {
            follow(offline);
            if (waitingForHandlers == 0) {
                offline = null;
            }
        }
    }

    /** Brings the node to the snapshot's state without removing anything: deployments and key changes only. */
    private void follow(Snapshot snapshot) {
        Map<SliceId, DesiredSliver> desired = new LinkedHashMap<>();
        snapshot.slivers().forEach(sliver -> desired.put(sliver.sliceId(), sliver));
        try {
            SliverDiff.Plan plan = SliverDiff.plan(desired, records.all(), false, containerExists);
            LOG.info("Registry unreachable since the start: following the snapshot of {} ({} sliver(s)), removing nothing",
                    snapshot.fetchedAt(), desired.size());
            apply(plan, clock.instant());
            notes = plan.notes();
        } catch (RuntimeException e) {
            LOG.error("Cannot follow the registry snapshot: {}", e.toString(), e);
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
