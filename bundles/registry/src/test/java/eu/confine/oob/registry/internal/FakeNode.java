package eu.confine.oob.registry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.event.Event;

import eu.confine.oob.api.AdminKeyPolicy;
import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;
import eu.confine.oob.api.SliverRecord;
import eu.confine.oob.api.SliverRecords;
import eu.confine.oob.api.internal.FileSliverRecords;

/**
 * The node side of the follower in unit tests: real sliver records in a directory, and a provisioning
 * chain that applies each posted lifecycle event to them at once and answers with its outcome.
 */
final class FakeNode implements Consumer<Event> {

    /** Accepts ed25519, ECDSA and RSA key lines, refuses everything else (DSA). */
    static final AdminKeyPolicy POLICY = (sliceId, lines) -> {
        List<String> accepted = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (String line : lines) {
            if (line.matches("(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256) AAAA.*")) {
                accepted.add("restrict,pty " + line);
            } else {
                rejected.add(line.substring(line.lastIndexOf(' ') + 1) + ": DSA keys are not accepted");
            }
        }
        return new AdminKeyPolicy.KeyCheck(accepted, rejected);
    };

    final SliverRecords records;
    final List<Event> posted = new CopyOnWriteArrayList<>();
    private Consumer<Event> outcomes = event -> { };
    /** Whether the node's bundles are active, that is, take lifecycle events. */
    volatile boolean active = true;

    FakeNode(java.nio.file.Path directory) {
        this.records = new FileSliverRecords(directory);
    }

    void answerTo(Consumer<Event> follower) {
        outcomes = follower;
    }

    /** Whether a handler takes the topic now: the node's bundles, when active. */
    boolean takes(String topic) {
        return active;
    }

    /** Waits until at least {@code count} events were posted (or the time is up), then {@link #take}s them. */
    synchronized List<String> awaitPosted(int count, java.time.Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (posted.size() < count && System.nanoTime() < deadline) {
            wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        return take();
    }

    /** The events posted so far, as "TOPIC slice [keys]" and forgets them. */
    List<String> take() {
        List<String> lines = new ArrayList<>();
        for (Event event : posted) {
            String topic = event.getTopic().substring(event.getTopic().lastIndexOf('/') + 1);
            Object keys = event.getProperty(SliverEvents.ADMIN_KEYS);
            lines.add(topic + " " + event.getProperty(SliverEvents.SLICE_ID) + (keys == null ? "" : " " + List.of((String[]) keys).size()));
        }
        posted.clear();
        return lines;
    }

    @Override
    public void accept(Event event) {
        posted.add(event);
        synchronized (this) {
            notifyAll();
        }
        SliceId sliceId = SliceId.of((String) event.getProperty(SliverEvents.SLICE_ID));
        String outcome;
        switch (event.getTopic()) {
            case SliverEvents.DEPLOYED -> {
                records.save(new SliverRecord(sliceId, (String) event.getProperty(SliverEvents.CONTAINER), Optional.empty(),
                        List.of((String[]) event.getProperty(SliverEvents.ADMIN_KEYS)), SliverRecord.Phase.READY));
                outcome = SliverEvents.SLIVER_READY;
            }
            case SliverEvents.KEYS_CHANGED -> {
                records.save(records.find(sliceId).orElseThrow().withAdminKeys(List.of((String[]) event.getProperty(SliverEvents.ADMIN_KEYS))));
                outcome = SliverEvents.SLIVER_READY;
            }
            default -> {
                records.delete(sliceId);
                outcome = SliverEvents.SLIVER_CLEANED;
            }
        }
        outcomes.accept(new Event(outcome, Map.of(SliverEvents.SLICE_ID, sliceId.value(),
                SliverEvents.REQUEST_ID, event.getProperty(SliverEvents.REQUEST_ID), SliverEvents.CAUSE, event.getTopic())));
    }
}
