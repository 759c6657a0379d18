package eu.confine.oob.shell.command;

import java.time.Duration;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;

/** An event handler that catches the outcome (READY, FAILED or CLEANED) of requests, known by their request ids. */
final class OutcomeWaiter implements EventHandler {

    /** Topics of every outcome event. */
    static final String OUTCOME_TOPICS = "confine/oob/sliver/*";

    private static final List<String> OUTCOMES = List.of(
            SliverEvents.SLIVER_READY, SliverEvents.SLIVER_FAILED, SliverEvents.SLIVER_CLEANED);

    private final Map<String, CompletableFuture<Event>> outcomes = new HashMap<>();

    OutcomeWaiter(Collection<String> requestIds) {
        if (requestIds.isEmpty()) {
            throw new IllegalArgumentException("no request to wait for");
        }
        requestIds.forEach(id -> outcomes.put(id, new CompletableFuture<>()));
    }

    /** The properties to register this handler with: outcome topics, filtered on the request ids. */
    Dictionary<String, Object> serviceProperties() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, OUTCOME_TOPICS);
        properties.put(EventConstants.EVENT_FILTER, outcomes.keySet().stream()
                .map(id -> "(" + SliverEvents.REQUEST_ID + "=" + id.replaceAll("([\\\\*()])", "\\\\$1") + ")")
                .collect(Collectors.joining("", "(|", ")")));
        return properties;
    }

    @Override
    public void handleEvent(Event event) {
        CompletableFuture<Event> outcome = outcomes.get(String.valueOf(event.getProperty(SliverEvents.REQUEST_ID)));
        if (outcome != null && OUTCOMES.contains(event.getTopic())) {
            outcome.complete(event);
        }
    }

    /** The first outcome event of each request that had one within the time given, by request id. */
    Map<String, Event> await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Event> arrived = new HashMap<>();
        for (Map.Entry<String, CompletableFuture<Event>> outcome : outcomes.entrySet()) {
            try {
                arrived.put(outcome.getKey(), outcome.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                // No outcome in time for this one: the caller reports it.
            } catch (ExecutionException e) {
                throw new IllegalStateException("outcome future cannot fail", e);
            }
        }
        return arrived;
    }

    /**
     * The line to print for an outcome, such as {@code slice demo: READY}.
     *
     * @throws IllegalStateException with the line to show if the outcome is not {@code expectedTopic}
     */
    static String describe(SliceId sliceId, Event outcome, String expectedTopic) {
        String name = outcome.getTopic().substring(outcome.getTopic().lastIndexOf('/') + 1);
        if (outcome.getTopic().equals(expectedTopic)) {
            return "slice " + sliceId + ": " + name;
        }
        if (outcome.getTopic().equals(SliverEvents.SLIVER_FAILED)) {
            Object reason = outcome.getProperty(SliverEvents.REASON);
            String text = reason == null ? "no reason given" : reason.toString().strip().replaceAll("\\s*\\R\\s*", " ");
            String prefix = "slice " + sliceId + ": ";
            throw new IllegalStateException(prefix + "FAILED: " + (text.startsWith(prefix) ? text.substring(prefix.length()) : text));
        }
        throw new IllegalStateException("slice " + sliceId + ": unexpected outcome " + name);
    }
}
