package eu.confine.oob.shell.command;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import eu.confine.oob.api.SliceId;
import eu.confine.oob.api.SliverEvents;

/** An event handler that catches the outcome (READY, FAILED or CLEANED) of one request, known by its request id. */
final class OutcomeWaiter implements EventHandler {

    /** Topics of every outcome event. */
    static final String OUTCOME_TOPICS = "confine/oob/sliver/*";

    private static final List<String> OUTCOMES = List.of(
            SliverEvents.SLIVER_READY, SliverEvents.SLIVER_FAILED, SliverEvents.SLIVER_CLEANED);

    private final String requestId;
    private final CompletableFuture<Event> outcome = new CompletableFuture<>();

    OutcomeWaiter(String requestId) {
        this.requestId = requestId;
    }

    /** The properties to register this handler with: outcome topics, filtered on the request id. */
    Dictionary<String, Object> serviceProperties() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, OUTCOME_TOPICS);
        properties.put(EventConstants.EVENT_FILTER, "(" + SliverEvents.REQUEST_ID + "=" + requestId.replaceAll("([\\\\*()])", "\\\\$1") + ")");
        return properties;
    }

    @Override
    public void handleEvent(Event event) {
        if (OUTCOMES.contains(event.getTopic()) && requestId.equals(event.getProperty(SliverEvents.REQUEST_ID))) {
            outcome.complete(event);
        }
    }

    /**
     * The first outcome event of the request.
     *
     * @throws TimeoutException if none arrives in time
     */
    Event await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("outcome future cannot fail", e);
        }
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
